"""Static files in production: hashed names, gzip and brotli copies, a year's cache (ECharts above all)."""
from __future__ import annotations

from django.conf import settings as project
from django.core.files import File
from django.test import RequestFactory
from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.storage import CompressedManifestStaticFilesStorage

ECHARTS = "vendor/echarts-5.6.0.min.js"


def test_the_production_storage_writes_echarts_hashed_and_compressed_and_whitenoise_serves_it_cached(settings, tmp_path):
    # What collectstatic does for each file with the production STORAGES (daiban/settings.py), for ECharts alone.
    assert project.STORAGES["staticfiles"]["BACKEND"].endswith("StaticFilesStorage")  # tests: the simple one
    storage = CompressedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    with open(project.BASE_DIR / "daiban" / "static" / ECHARTS, "rb") as source:
        storage.save(ECHARTS, File(source))
    list(storage.post_process({ECHARTS: (storage, ECHARTS)}, dry_run=False))
    hashed = storage.stored_name(ECHARTS)
    assert hashed != ECHARTS and (tmp_path / hashed).exists()
    original = (tmp_path / hashed).stat().st_size
    assert (tmp_path / f"{hashed}.br").stat().st_size < original / 2
    assert (tmp_path / f"{hashed}.gz").stat().st_size < original / 2

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**project.STORAGES,
                         "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    settings.WHITENOISE_USE_FINDERS = False
    served = WhiteNoiseMiddleware(lambda request: None)
    answer = served(RequestFactory().get(f"/static/{hashed}", HTTP_ACCEPT_ENCODING="gzip, br"))
    assert answer.status_code == 200
    assert answer["Content-Encoding"] == "br"
    assert "max-age=315360000" in answer["Cache-Control"] and "immutable" in answer["Cache-Control"]
