import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.django.base")

application = get_wsgi_application()

from config.observability.start import observability_start  # noqa: E402  (needs settings)

observability_start()
