"""Django settings shared by every mode. Values come from the environment (config/env.py)."""

from config.env import BASE_DIR, DATA_DIR, PORT, data_path, env, persistent_secret

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or persistent_secret("django-secret-key")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# Where people reach the web pages (e.g. the tracking links given to buyer apps).
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{PORT}")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "config.admin_apps.SecondFactorAdminConfig",  # django.contrib.admin with a second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    # Security (config/settings/security.py): sign-in lockout, the admin's TOTP, the CSP header.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "catalog",
    "orders",
    "ratings",
    "payments",
    "documents",
    # E-mails to homeowners: above orders, documents and payments (it listens to their signals).
    "notices",
    "beckn",
    # The pages for people (no models): they use the apps above, none of which uses them.
    "web",
]

MIDDLEWARE = [
    # First: the request id, Beckn metrics and the request's trace span cover all the rest.
    "config.observability.middleware.ObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "web.security.SessionIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "web.security.PermissionsPolicyMiddleware",
    "web.security.PrivatePagesMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in with web.throttling's page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = env.str("DJANGO_ROOT_URLCONF", default="config.urls")
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{data_path('db.sqlite3')}")}
# Connections are kept between requests and between Celery tasks (config/celery.py): opening one
# costs more than most requests (a PostgreSQL backend process; SQLite's file and pragmas).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web workers and the Celery worker write concurrently: WAL, write locks taken up front,
    # and a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
        "DATABASE_CONNECT_TIMEOUT", default=2
    )
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env.bool("DATABASE_PGBOUNCER", default=False):
        # PgBouncer in transaction pooling (README "Deployment"): a server-side cursor or a
        # prepared statement belongs to a server connection the next transaction may not get.
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sunbeckn",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve app and project static files straight from their folders: no collectstatic step needed.
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": None,
}

from config.settings.accounts import *  # noqa: E402, F403
from config.settings.beckn import *  # noqa: E402, F403
from config.settings.beckn_limits import *  # noqa: E402, F403
from config.settings.catalog import *  # noqa: E402, F403
from config.settings.celery import *  # noqa: E402, F403
from config.settings.documents import *  # noqa: E402, F403
from config.settings.notices import *  # noqa: E402, F403
from config.settings.observability import *  # noqa: E402, F403
from config.settings.payments import *  # noqa: E402, F403
from config.settings.security import *  # noqa: E402, F403
