"""A management command run with another DATA_DIR than the server's finds another (empty)
database: it says so plainly, with no traceback."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_add_installer_member_on_another_database_says_why(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.django.base")
    command = [sys.executable, "manage.py", "add_installer_member", "--provider", "sunpower_sf"]
    command += ["--email", "ada@example.com", "--role", "owner"]
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "is not the server's, or is not migrated" in done.stderr
    assert "same DATA_DIR (or DATABASE_URL) as the server" in done.stderr
