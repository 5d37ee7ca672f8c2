"""Runtime and test packages are locked apart, with hashes; the plan pictures have their CJK glyphs."""
from __future__ import annotations

import re
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def pins(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text()
    return {m[1].lower(): m[2] for m in re.finditer(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==(\S+)", text, re.M)}


def test_every_pin_of_both_locks_carries_a_hash():
    for name in ("requirements.lock", "requirements-test.lock"):
        blocks = re.split(r"\n(?=[A-Za-z])", (ROOT / name).read_text())
        pinned = [b for b in blocks if "==" in b.split("\n")[0]]
        assert pinned and all("--hash=sha256:" in b for b in pinned), name


def test_the_runtime_lock_holds_no_test_tool_and_the_test_lock_keeps_its_pins():
    runtime, test = pins("requirements.lock"), pins("requirements-test.lock")
    assert {"gunicorn", "psycopg-pool", "matplotlib", "django", "brotli"} <= runtime.keys()
    assert not {"pytest", "pytest-django", "playwright", "ruff", "hypothesis"} & runtime.keys()
    assert {"pytest", "pytest-django", "playwright", "ruff", "hypothesis"} <= test.keys()
    assert {name: test.get(name) for name in runtime} == runtime


def test_the_plan_pictures_draw_every_chinese_character_with_a_cjk_font():
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    from daiban.plans import charts

    charts._font.cache_clear()
    name = charts._font()
    assert name in charts.CJK_FONTS, "没有中文字体：make run / make test 会安装 fonts-wqy-microhei"
    font = FT2Font(font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False))
    labels = "立项用地规划许可证施工图审查今天预计施工许可"
    assert all(font.get_char_index(ord(char)) for char in labels)
    detail = {"items": [{"code": "A01", "name": "企业投资项目备案", "stage": "1", "prerequisites": []},
                        {"code": "B01", "name": "建设用地规划许可证", "stage": "2",
                         "prerequisites": ["A01"]}],
              "critical_path": ["A01", "B01"]}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        picture = charts.flowchart_png(detail)
    assert picture and picture.startswith(b"\x89PNG")
    assert not [w for w in caught if "missing from font" in str(w.message)]
