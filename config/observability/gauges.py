"""Gauges read from the database when /metrics is scraped: the outbox and the payments.

Cheap, indexed queries: the outbox's PENDING and DEAD rows through its (status,
next_attempt_at) index, in one query; payments counted by status.
"""

from collections.abc import Iterator

from django.db import DatabaseError
from django.db.models import Count, Min, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from beckn.models import OutboundMessage
from payments.models import Payment

Status = OutboundMessage.Status


class DatabaseGauges(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            outbox = self._outbox()
            payments = dict(
                Payment.objects.order_by().values_list("status").annotate(n=Count("pk"))
            )
        except DatabaseError:
            yield GaugeMetricFamily(
                "sunbeckn_database_up", "Whether /metrics could read the database.", value=0
            )
            return
        yield GaugeMetricFamily(
            "sunbeckn_database_up", "Whether /metrics could read the database.", value=1
        )
        now = timezone.now()
        for name, documentation, value in (
            ("pending", "Callbacks in the outbox to deliver (due or later).", "pending"),
            ("in_flight", "Callbacks being delivered now (leased by a worker).", "in_flight"),
            ("awaiting_slot", "Callbacks waiting for a delivery slot of their BAP.", "awaiting"),
            ("due", "Callbacks due now that no worker holds.", "due"),
            ("dead", "Callbacks given up on, kept for an operator's retry.", "dead"),
        ):
            yield GaugeMetricFamily(
                f"sunbeckn_outbox_{name}", documentation, value=outbox[value] or 0
            )
        oldest = outbox["oldest_due"]
        yield GaugeMetricFamily(
            "sunbeckn_outbox_oldest_due_age_seconds",
            "How long the oldest callback due and not being delivered has waited (0: none).",
            value=max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
        )
        family = GaugeMetricFamily(
            "sunbeckn_payments", "Card payments by status.", labels=["status"]
        )
        for status in Payment.Status.values:
            family.add_metric([status], payments.get(status, 0))
        yield family

    @staticmethod
    def _outbox() -> dict:
        now = timezone.now()
        pending = Q(status=Status.PENDING)
        leased = Q(locked_until__gt=now)
        due = pending & Q(next_attempt_at__lte=now) & ~leased & Q(awaiting_slot=False)
        return OutboundMessage.objects.filter(status__in=[Status.PENDING, Status.DEAD]).aggregate(
            pending=Count("pk", filter=pending),
            in_flight=Count("pk", filter=pending & leased),
            awaiting=Count("pk", filter=pending & Q(awaiting_slot=True)),
            due=Count("pk", filter=due),
            dead=Count("pk", filter=Q(status=Status.DEAD)),
            oldest_due=Min("next_attempt_at", filter=due),
        )
