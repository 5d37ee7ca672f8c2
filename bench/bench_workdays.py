"""Our indexed WorkCalendar against chinese_calendar's day loops, on the same random inputs.

    .venv/bin/python bench/bench_workdays.py [--calls N] [--seed S]

Both sides answer the same question and every answer is compared (assert) before timing counts:
- add: the n-th working day after ``start`` (start not counted). chinese_calendar.find_workday
  counts from the deemed start day, so the same question there is find_workday(n - 1, start + 1).
- count: working days after ``start`` up to and including ``end``, i.e.
  len(chinese_calendar.get_workdays(start + 1, end)).
Inputs lie in 2004-01-01..2026-12-31 (the years chinese_calendar carries): n in 1..60 working
days, count spans of 1..366 days, the ranges deadlines actually take.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Sequence

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

ONE_DAY = dt.timedelta(days=1)
FIRST, LAST = dt.date(2004, 1, 1), dt.date(2026, 12, 31)


def _run(fn: Callable, inputs: Sequence[tuple], repeat: int) -> tuple[list, float]:
    """The answers, and the best of ``repeat`` runs over all inputs in seconds per call."""
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        answers = [fn(*args) for args in inputs]
        best = min(best, time.perf_counter() - began)
    return answers, best / len(inputs)


def _fmt(seconds: float) -> str:
    return f"{seconds * 1e6:10.2f} µs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000, help="random inputs per question (default 1000)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    began = time.perf_counter()
    from daiban.workdays.calendar import WorkCalendar

    calendar = WorkCalendar()
    first_build = time.perf_counter() - began
    began = time.perf_counter()
    WorkCalendar()
    rebuild = time.perf_counter() - began

    import chinese_calendar

    rng = random.Random(args.seed)
    # Leave room after the start so chinese_calendar never steps past 2026 (it raises there).
    span = (LAST - FIRST).days - 120
    add_inputs = [(FIRST + dt.timedelta(days=rng.randrange(span)), rng.randint(1, 60)) for _ in range(args.calls)]
    count_inputs = []
    for _ in range(args.calls):
        start = FIRST + dt.timedelta(days=rng.randrange((LAST - FIRST).days - 366))
        count_inputs.append((start, start + dt.timedelta(days=rng.randint(1, 366))))

    def ours_add(start: dt.date, n: int) -> dt.date:
        return calendar.add_workdays(start, n).date

    def theirs_add(start: dt.date, n: int) -> dt.date:
        return chinese_calendar.find_workday(n - 1, start + ONE_DAY)

    # A plain day loop over our own flags: shows what the index gains apart from the overhead of
    # chinese_calendar (which checks the supported range on every is_workday call).
    def loop_add(start: dt.date, n: int) -> dt.date:
        day = start
        while n:
            day += ONE_DAY
            n -= calendar.is_workday(day)
        return day

    def loop_count(start: dt.date, end: dt.date) -> int:
        return sum(calendar.is_workday(start + dt.timedelta(days=i)) for i in range(1, (end - start).days + 1))

    def ours_count(start: dt.date, end: dt.date) -> int:
        return calendar.workdays_between(start, end).workdays

    def theirs_count(start: dt.date, end: dt.date) -> int:
        return len(chinese_calendar.get_workdays(start + ONE_DAY, end))

    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
          f"{args.calls} random inputs per question, seed {args.seed}")
    print(f"index build: first {first_build * 1e3:.0f} ms (incl. importing holidays), rebuild {rebuild * 1e3:.1f} ms")
    print(f"{'question':<32}{'ours':>14}{'chinese_calendar':>20}{'speed-up':>10}{'plain loop':>16}{'speed-up':>10}")
    ratios = []
    for label, ours, theirs, loop, inputs in (
        ("add_workdays (n = 1..60)", ours_add, theirs_add, loop_add, add_inputs),
        ("workdays_between (1..366 days)", ours_count, theirs_count, loop_count, count_inputs),
    ):
        # The day loops are slow and steady; one pass of theirs is enough.
        our_answers, ours_time = _run(ours, inputs, repeat=7)
        their_answers, theirs_time = _run(theirs, inputs, repeat=1)
        loop_answers, loop_time = _run(loop, inputs, repeat=3)
        for case, mine, reference, looped in zip(inputs, our_answers, their_answers, loop_answers, strict=True):
            assert mine == reference == looped, (label, case, mine, reference, looped)
        ratios.append(theirs_time / ours_time)
        print(f"{label:<32}{_fmt(ours_time):>14}{_fmt(theirs_time):>20}{ratios[-1]:>9.0f}×"
              f"{_fmt(loop_time):>16}{loop_time / ours_time:>9.0f}×")
    goal = 20  # against chinese_calendar
    verdict = "met" if min(ratios) >= goal else "NOT met"
    print(f"all answers agree; goal ≥ {goal}× faster: {verdict}")
    return 0 if min(ratios) >= goal else 1


if __name__ == "__main__":
    sys.exit(main())
