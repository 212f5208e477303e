import os

from celery import Celery

import config.broker  # noqa: F401  (registers the embedded broker's transport)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.django.base")

app = Celery("sunbeckn")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
