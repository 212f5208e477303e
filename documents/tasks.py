"""Celery tasks of the documents app: certificates and invoices are rendered after the order's
change commits, never inside it. Thin and idempotent: each loads the order by id, checks it
still has something to do, and calls the service, which checks again under the order's lock; a
second run (a retried or repeated message) has no effect. The sweep, on worker start and
periodically, queues again what a lost message left undone."""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.db import DatabaseError

from catalog.taxonomy import InstallationStatus
from documents import selectors, services
from orders.models import Order

logger = logging.getLogger(__name__)
SWEEP_LIMIT = 200
RETRIED = {
    "acks_late": True,
    # A database hiccup, a storage that did not answer (OSError): try again, later each time.
    "autoretry_for": (DatabaseError, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 10,
}


@shared_task(**RETRIED)
def order_documents_issue(order_id: int) -> None:
    """Issue the certificate and the invoice of a completed order (once)."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None or order.status != InstallationStatus.COMPLETED:
        logger.info("Order %s has no certificate or invoice to issue", order_id)
        return
    services.order_documents_issue(order=order)


@shared_task(**RETRIED)
def invoice_refresh(order_id: int) -> None:
    """Re-issue an order's invoice when its payment status changed (nothing otherwise)."""
    order = Order.objects.filter(pk=order_id).first()
    if order is not None:
        services.invoice_refresh(order=order)


@shared_task(acks_late=True)
def issued_documents_sweep() -> int:
    """Queue again the issuing of the completed orders that still lack their certificate or
    invoice, or whose invoice is behind their payment; how many."""
    order_ids = selectors.orders_awaiting_issue(limit=SWEEP_LIMIT)
    for order_id in order_ids:
        order_documents_issue.delay(order_id)
        invoice_refresh.delay(order_id)
    return len(order_ids)


@worker_ready.connect
def sweep_on_start(**kwargs: object) -> None:
    issued_documents_sweep.delay()
