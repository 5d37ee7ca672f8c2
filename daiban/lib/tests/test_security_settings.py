"""With debug off the process refuses to start without the personal-data key or a checkpoint place."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {"DAIBAN_DEBUG": "0", "DAIBAN_SECRET_KEY": "s" * 40, "DAIBAN_AUDIT_KEY": "a" * 40,
              "DAIBAN_DATA_KEY": "d" * 40, "DAIBAN_AUDIT_CHECKPOINT_DIR": "/var/lib/daiban/checkpoints"}


def _start(**changes: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAIBAN_")} | PRODUCTION
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run([sys.executable, "-c", "import daiban.settings"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_a_production_configuration_starts():
    assert _start().returncode == 0


@pytest.mark.parametrize(("changes", "message"), [
    ({"DAIBAN_DATA_KEY": None}, "DAIBAN_DATA_KEY must be set"),
    ({"DAIBAN_DATA_KEY": "too-short-key"}, "DAIBAN_DATA_KEY must be at least 32"),
    ({"DAIBAN_AUDIT_CHECKPOINT_DIR": None}, "DAIBAN_AUDIT_CHECKPOINT_DIR or DAIBAN_AUDIT_CHECKPOINT_URL must be set"),
    ({"DAIBAN_AUDIT_CHECKPOINT_DIR": "relative/dir"}, "must be an absolute path"),
    ({"DAIBAN_AUDIT_RETENTION_DAYS": "90"}, "DAIBAN_AUDIT_RETENTION_DAYS must be at least 184"),
])
def test_a_production_configuration_without_a_protection_stops_with_a_clear_error(changes, message):
    started = _start(**changes)
    assert started.returncode != 0 and message in started.stderr


def test_a_remote_checkpoint_endpoint_alone_is_enough():
    assert _start(DAIBAN_AUDIT_CHECKPOINT_DIR=None, DAIBAN_AUDIT_CHECKPOINT_URL="https://log.example/checkpoints").returncode == 0
