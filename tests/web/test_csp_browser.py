"""The pages keep working under the Content-Security-Policy (issue 24): Chromium reports no
violation on the pages with scripts, charts and htmx, for a visitor and an installer."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from catalog.models import ProviderMember
from tests.web.workspace.helpers import installer, member, order_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo_catalog")]


def violations_on(page: Any, paths: list[str]) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    return found


def test_the_homeowners_pages_run_under_the_policy(page: Any) -> None:
    assert violations_on(page, ["/", reverse("login"), reverse("orders:signup")]) == []


def test_the_workspace_runs_under_the_policy(page: Any, sign_in: Callable[[Any], None]) -> None:
    provider = installer()
    order = order_for(provider)
    sign_in(member(provider))
    assert ProviderMember.objects.filter(provider=provider).exists()

    paths = [
        reverse("workspace:board"),
        reverse("workspace:order", args=[order.pk]),
        reverse("workspace:insights"),
    ]
    assert violations_on(page, paths) == []
