"""The test gateway's delivery of its webhook events (registered through payments.tasks)."""

from celery import shared_task
from django.db import DatabaseError

from payments.test_gateway.events import EventNotDelivered, event_post


@shared_task(
    acks_late=True,
    autoretry_for=(EventNotDelivered, DatabaseError),
    retry_backoff=1,
    retry_backoff_max=60,
    max_retries=12,
)
def event_deliver(event_id: str) -> None:
    """Post one webhook event to our endpoint, again with backoff until it takes it."""
    event_post(event_id=event_id)
