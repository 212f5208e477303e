"""How long the Beckn adapter keeps what came and went: the message log (requests and their
callbacks) and the search listings are pruned after their age (config/settings/beckn_limits.py),
by a periodic task (beckn.tasks.prune_message_log). What is still owed is never pruned: a
callback not delivered yet stays, and so does the request it answers (the worker composes the
callback from it), for as long as that callback can still be sent or retried."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from beckn.models import InboundMessage, OutboundMessage, SearchListing

BATCH = 5000  # rows deleted by one statement: no long lock on a large log


@dataclass(frozen=True)
class Pruned:
    callbacks: int
    requests: int
    search_listings: int


def message_log_prune(*, now: datetime | None = None) -> Pruned:
    """Delete the delivered and dead callbacks, the requests and the search listings older than
    their retention; returns how many of each."""
    now = now or timezone.now()
    log_cutoff = now - timedelta(days=settings.BECKN_MESSAGE_LOG_RETENTION_DAYS)
    listing_cutoff = now - timedelta(days=settings.BECKN_SEARCH_LISTING_RETENTION_DAYS)
    finished = [OutboundMessage.Status.SENT, OutboundMessage.Status.DEAD]
    callbacks = _delete_in_batches(
        OutboundMessage.objects.filter(status__in=finished, created_at__lt=log_cutoff)
    )
    # A dead callback can be retried from the admin: its request stays while the callback does.
    requests = _delete_in_batches(
        InboundMessage.objects.filter(received_at__lt=log_cutoff).exclude(
            callback__status__in=[OutboundMessage.Status.PENDING, OutboundMessage.Status.DEAD]
        )
    )
    listings = _delete_in_batches(SearchListing.objects.filter(listed_at__lt=listing_cutoff))
    return Pruned(callbacks=callbacks, requests=requests, search_listings=listings)


def _delete_in_batches(rows: QuerySet) -> int:
    deleted = 0
    while True:
        batch = list(rows.order_by().values_list("pk", flat=True)[:BATCH])
        if not batch:
            return deleted
        rows.model.objects.filter(pk__in=batch).delete()
        deleted += len(batch)
