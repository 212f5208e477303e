"""The message log and the search listings are pruned after their age by the periodic task;
what is still owed (a callback not delivered yet, and its request) is never pruned."""

from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone

from beckn import retention, tasks
from beckn.models import InboundMessage, OutboundMessage, SearchListing
from config.settings.celery import CELERY_BEAT_SCHEDULE
from tests.catalog.factories import ProviderFactory

pytestmark = pytest.mark.django_db
_ids = count()


def exchange(*, days_ago: float, status: str | None) -> InboundMessage:
    """A request received `days_ago`, with its callback in `status` (None: a refused request)."""
    when = timezone.now() - timedelta(days=days_ago)
    message_id = f"m-{next(_ids)}"
    request = InboundMessage.objects.create(
        action="search",
        bap_id="bap.test",
        message_id=message_id,
        outcome=InboundMessage.Outcome.REJECTED if status is None else "ACCEPTED",
        http_status=401 if status is None else 200,
        received_at=when,
    )
    if status is not None:
        OutboundMessage.objects.create(
            action="on_search",
            request=request,
            bap_id="bap.test",
            target_url="http://127.0.0.1:1/bap/on_search",
            transaction_id="t",
            message_id=message_id,
            status=status,
            created_at=when,
        )
    return request


def prune() -> dict[str, int]:
    return tasks.prune_message_log.apply().get()


def test_the_task_runs_periodically() -> None:
    assert CELERY_BEAT_SCHEDULE["beckn-prune-message-log"]["task"] == tasks.prune_message_log.name


def test_old_exchanges_go_and_recent_ones_stay(settings: object) -> None:
    settings.BECKN_MESSAGE_LOG_RETENTION_DAYS = 30
    old_sent = exchange(days_ago=31, status=OutboundMessage.Status.SENT)
    old_refused = exchange(days_ago=31, status=None)
    recent_sent = exchange(days_ago=29, status=OutboundMessage.Status.SENT)
    recent_refused = exchange(days_ago=1, status=None)

    assert prune() == {"callbacks": 1, "requests": 2, "search_listings": 0}

    assert set(InboundMessage.objects.all()) == {recent_sent, recent_refused}
    assert not InboundMessage.objects.filter(pk__in=[old_sent.pk, old_refused.pk]).exists()
    assert OutboundMessage.objects.get().request == recent_sent


def test_a_callback_still_owed_and_its_request_are_never_pruned(settings: object) -> None:
    settings.BECKN_MESSAGE_LOG_RETENTION_DAYS = 30
    pending = exchange(days_ago=400, status=OutboundMessage.Status.PENDING)
    old_dead = exchange(days_ago=31, status=OutboundMessage.Status.DEAD)
    recent_dead = exchange(days_ago=2, status=OutboundMessage.Status.DEAD)

    assert prune() == {"callbacks": 1, "requests": 1, "search_listings": 0}

    assert set(InboundMessage.objects.all()) == {pending, recent_dead}
    kept = OutboundMessage.objects.order_by("created_at")
    assert [c.request for c in kept] == [pending, recent_dead]
    assert not OutboundMessage.objects.filter(request=old_dead).exists()


def test_search_listings_go_after_their_own_age(settings: object) -> None:
    settings.BECKN_SEARCH_LISTING_RETENTION_DAYS = 90
    provider = ProviderFactory()
    now = timezone.now()
    for days, transaction_id in ((91, "old"), (89, "recent")):
        SearchListing.objects.create(
            provider=provider,
            bap_id="bap.test",
            transaction_id=transaction_id,
            listed_at=now - timedelta(days=days),
        )

    assert prune()["search_listings"] == 1
    assert SearchListing.objects.get().transaction_id == "recent"


def test_large_logs_are_pruned_in_batches(settings: object, monkeypatch: object) -> None:
    monkeypatch.setattr(retention, "BATCH", 2)
    for _ in range(5):
        exchange(days_ago=60, status=None)
    assert prune()["requests"] == 5
    assert not InboundMessage.objects.exists()
