"""The deadline arithmetic stays a pure module: no Django, cheap to build."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from daiban.workdays.calendar import WorkCalendar


def test_the_calendar_module_imports_without_django():
    code = "import sys, daiban.workdays.calendar as c; c.WorkCalendar(); assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[3])


def test_rebuilding_the_index_takes_well_under_a_second():
    WorkCalendar()  # the first build also imports holidays and computes the statutory holidays
    began = time.perf_counter()
    WorkCalendar()
    assert time.perf_counter() - began < 0.5  # about 8 ms on the 2-core machine (bench/README.md)
