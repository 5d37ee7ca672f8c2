"""Turns the journey's screenshots (test-artifacts/journey-*.png, written by daiban/portal/tests/test_journey.py)
into this directory's compressed images: a long staff page is cut to the part the step is about, desktop pages
are scaled to 1000 px wide, each is saved as WebP of at most about 120 KB.

    python docs/tour/make_tour.py
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
SHOTS = HERE.parents[1] / "test-artifacts"
LIMIT = 120_000
# The part of a long page a step is about (top, bottom in the screenshot's pixels).
CUTS = {
    "11-unit-plan": (1050, 2300),
    "12-unit-dispatched": (2240, 3380),
    "22-unit-report-preview": (2950, 3650),
    "25-unit-every-item-done": (2200, 3400),
}
MAX_HEIGHT = 2400


def compress(shot: Path) -> Path:
    name = shot.stem.removeprefix("journey-")
    image = Image.open(shot).convert("RGB")
    top, bottom = CUTS.get(name, (0, image.height))
    image = image.crop((0, top, image.width, min(bottom, image.height)))
    if image.width > 1000:
        image = image.resize((1000, round(image.height * 1000 / image.width)), Image.LANCZOS)
    image = image.crop((0, 0, image.width, min(image.height, MAX_HEIGHT)))
    target = HERE / f"{name}.webp"
    for quality in (70, 60, 50, 40, 30):
        image.save(target, "WEBP", quality=quality, method=6)
        if target.stat().st_size <= LIMIT:
            break
    return target


if __name__ == "__main__":
    for old in HERE.glob("*.webp"):
        old.unlink()
    for shot in sorted(SHOTS.glob("journey-*.png")):
        made = compress(shot)
        print(f"{made.name}: {made.stat().st_size // 1000} KB")
