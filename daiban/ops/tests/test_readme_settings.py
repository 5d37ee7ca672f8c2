"""The README's settings table names every DAIBAN_* variable the code reads."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
READ = re.compile(r"""(?:env_[a-z]+|environ\.get|getenv|environ\[)\(?\s*["'](DAIBAN_[A-Z0-9_]+)["']""")


def test_every_daiban_setting_the_code_reads_is_in_the_readme_table():
    read = set()
    for path in (ROOT / "daiban").rglob("*.py"):
        if "tests" not in path.parts and path.name != "settings_test.py":
            read |= set(READ.findall(path.read_text(encoding="utf-8")))
    table = "\n".join(line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
                      if line.startswith("| `"))
    assert len(read) > 30
    assert sorted(name for name in read if f"`{name}`" not in table) == []
