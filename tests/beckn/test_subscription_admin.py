"""The operator's side of joining a network: the admin's subscribe button and row actions."""

import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beckn.models import NetworkSubscription
from beckn.peers import SubscribingRegistry

CHANGELIST = reverse("admin:beckn_networksubscription_changelist")


def _wait_for_status(status: str, timeout: float = 20) -> NetworkSubscription:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = NetworkSubscription.objects.first()
        if row is not None and row.status == status:
            return row
        time.sleep(0.1)
    raise AssertionError(f"no subscription reached {status}")


@pytest.mark.usefixtures("celery_worker")
def test_the_operator_subscribes_from_the_admin_and_sees_the_status(
    admin_client: Client, registry: SubscribingRegistry
) -> None:
    page = admin_client.get(CHANGELIST)
    assert b"Subscribe the current key to the registry" in page.content

    response = admin_client.post(
        reverse("admin:beckn_networksubscription_subscribe", args=["current"]), follow=True
    )

    assert b"Subscription of the current key sent" in response.content
    row = _wait_for_status("SUBSCRIBED")
    assert registry.challenges[0].ok
    page = admin_client.get(CHANGELIST)
    assert b"bpp-test-key" in page.content and b"current, signing" in page.content

    registry.entries[0]["status"] = "INVALID_SSL"
    admin_client.post(
        CHANGELIST, {"action": "refresh_status", "_selected_action": [row.pk]}, follow=True
    )
    row.refresh_from_db()
    assert row.status == "INVALID_SSL"

    admin_client.post(
        CHANGELIST, {"action": "subscribe_again", "_selected_action": [row.pk]}, follow=True
    )
    _wait_for_status("SUBSCRIBED")
    assert [c.ok for c in registry.challenges] == [True, True]


@pytest.mark.django_db
def test_without_a_registry_the_admin_says_what_is_missing(
    admin_client: Client, settings: Any, encryption_private_key: str
) -> None:
    settings.BECKN_REGISTRY_URL = ""
    response = admin_client.post(
        reverse("admin:beckn_networksubscription_subscribe", args=["current"]), follow=True
    )
    assert b"BECKN_REGISTRY_URL is not set" in response.content
    assert not NetworkSubscription.objects.exists()


@pytest.mark.django_db
def test_the_subscribe_button_only_takes_a_post_for_a_known_key(admin_client: Client) -> None:
    url = reverse("admin:beckn_networksubscription_subscribe", args=["current"])
    assert admin_client.get(url).status_code == 404
    other = reverse("admin:beckn_networksubscription_subscribe", args=["older"])
    assert admin_client.post(other).status_code == 404
