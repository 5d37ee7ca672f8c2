"""County networks are often closed: no page may load anything from outside the server."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXTERNAL = re.compile(r"""(src|href)\s*=\s*["'](https?:)?//""", re.IGNORECASE)


def test_no_template_loads_a_script_style_or_font_from_another_host():
    offenders = []
    for template in ROOT.rglob("templates/**/*.html"):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), start=1):
            if EXTERNAL.search(line) and "<a " not in line:
                offenders.append(f"{template.relative_to(ROOT)}:{number}")
    assert offenders == []


def test_the_vendored_assets_are_in_the_repository():
    vendor = ROOT / "static" / "vendor"
    assert (vendor / "htmx-2.0.11.min.js").stat().st_size > 40_000
    assert (vendor / "echarts-5.6.0.min.js").stat().st_size > 900_000
