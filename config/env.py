"""The one place that reads the environment (django-environ).

Every setting comes from an environment variable with a default that runs on a bare machine;
`DATA_DIR` holds what the embedded mode keeps on disk (SQLite, broker folders, generated keys).
"""

import secrets
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "data"))).resolve()
# The web server's port (config/gunicorn.py), also the default port of our own URLs.
PORT = env.int("PORT", default=8000)


def data_path(*parts: str) -> Path:
    """A path under DATA_DIR; its parent folder is created on first use."""
    path = DATA_DIR.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def persistent_secret(name: str) -> str:
    """A random secret generated once and kept under DATA_DIR (for machines with no env secret)."""
    path = data_path("secrets", name)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()
