"""The test run: the real settings, with fixed keys and a fast password hasher."""
import os
import tempfile

os.environ.setdefault("DAIBAN_AUDIT_KEY", "test-audit-key-0123456789")
os.environ.setdefault("DAIBAN_SECRET_KEY", "test-secret-key-0123456789-abcdefghij")
os.environ.setdefault("DAIBAN_DATA_KEY", "test-personal-data-key-0123456789abcdef")
# Tests run many threads at once (in_parallel); each holds a pooled connection on PostgreSQL.
os.environ.setdefault("DAIBAN_DB_POOL_SIZE", "20")
# Each test gets its own checkpoint directory (conftest.py); this one serves the session's processes.
os.environ.setdefault("DAIBAN_AUDIT_CHECKPOINT_DIR", tempfile.mkdtemp(prefix="daiban-test-checkpoints-"))

from daiban.settings import *  # noqa: E402,F403

# Hashing passwords at full strength would dominate the suite's time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Every API answer a test provokes is checked against the OpenAPI schema (conftest.py fails the test).
MIDDLEWARE = ["daiban.api_declared.DeclaredResponses", *MIDDLEWARE]  # noqa: F405

# Tests render pages without running collectstatic first (daiban/ops/tests/test_static.py checks the
# production storage itself).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True

# Every statement lib/shapes.py keeps for a shape is compiled again and compared: each test of a read checks it.
SQL_SHAPES_CHECK = True
