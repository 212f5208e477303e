"""Settings for the test suite: the same services as the mode under test, isolated per process."""

import base64
import os
import tempfile
from pathlib import Path

_test_dir = Path(tempfile.mkdtemp(prefix="sunbeckn-test-"))
os.environ["DATA_DIR"] = str(_test_dir)

from config.django.base import *  # noqa: E402, F403
from config.django.base import DATABASES  # noqa: E402

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the test worker thread and live server share it.
    DATABASES["default"]["TEST"] = {"NAME": str(_test_dir / "test.sqlite3")}

# Every test process has its own queue, so parallel runs never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = f"sunbeckn-test-{os.getpid()}"
CELERY_BEAT_SCHEDULE = {}

# Pinned, whatever PORT the environment has (`make test` exports one): tests expect port 8000.
SITE_URL = "http://127.0.0.1:8000"
BECKN_SUBSCRIBER_ID = "bpp.sunbeckn.test"
BECKN_SUBSCRIBER_URL = "http://127.0.0.1:8000/beckn"
BECKN_UNIQUE_KEY_ID = "bpp-test-key"
BECKN_SIGNING_PRIVATE_KEY = base64.b64encode(os.urandom(32)).decode()
BECKN_REGISTRY_URL = ""
BECKN_CALLBACK_CONNECT_TIMEOUT = 2.0
BECKN_CALLBACK_READ_TIMEOUT = 3.0
BECKN_CALLBACK_BACKOFF_SECONDS = 0.2
BECKN_CALLBACK_BACKOFF_MAX_SECONDS = 1.0
BECKN_CALLBACK_MAX_ATTEMPTS = 4
BECKN_CALLBACK_MAX_IN_FLIGHT_PER_BAP = 2  # below the test worker's 4 threads
