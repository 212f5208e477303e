import pytest
from django.db import connection
from django.test import Client

from config.celery import app as celery_app


@pytest.mark.django_db
def test_healthz_names_the_database_and_broker_and_says_they_are_reachable(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"engine": connection.vendor, "reachable": True},
        "broker": {"transport": celery_app.conf.broker_url.split("://")[0], "reachable": True},
    }
