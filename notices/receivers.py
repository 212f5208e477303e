"""notices hears of every order change and payment, and records the e-mails they call for
(sent after the commit, notices.tasks)."""

from typing import Any

from django.db import transaction

from catalog.taxonomy import DocumentationStatus
from notices import services, tasks
from notices.models import OrderEmail
from orders import policies
from orders.models import Order, OrderEvent
from payments.models import Payment

Kind = OrderEmail.Kind


def order_changed(sender: Any, order: Order, events: list[OrderEvent], **kwargs: Any) -> None:
    for event in events:
        key = f"event:{event.pk}"
        if event.kind == OrderEvent.Kind.CREATED:
            _tell_installer(order, Kind.NEW_ORDER, key)
            _queue(
                order=order,
                kind=Kind.PLACED,
                key=key,
                data={"appointment": policies.Appointment.SURVEY},
            )
        elif event.kind == OrderEvent.Kind.SCHEDULE and not _placed(events):
            which = (
                policies.Appointment.SURVEY
                if event.to_value.startswith("site survey")
                else policies.Appointment.INSTALLATION
            )
            _queue(order=order, kind=Kind.APPOINTMENT, key=key, data={"appointment": which})
        elif event.kind == OrderEvent.Kind.TECHNICIAN:
            _queue(order=order, kind=Kind.TECHNICIAN, key=key)
        elif event.kind == OrderEvent.Kind.ISSUED:
            # The completion is told once its certificate and invoice exist, to link them.
            _queue(order=order, kind=Kind.COMPLETED, key=f"completed:{order.pk}")
        elif (
            event.kind == OrderEvent.Kind.DOCUMENTS
            and event.to_value == DocumentationStatus.COMPLETED
        ):
            _tell_installer(order, Kind.REVIEW, key)
        elif (
            event.kind == OrderEvent.Kind.DOCUMENTS
            and event.to_value
            in (
                DocumentationStatus.PENDING,
                DocumentationStatus.REJECTED,
            )
            and event.from_value
        ):
            _queue(order=order, kind=Kind.DOCUMENTS, key=key)


def _queue(*, order: Order, kind: str, key: str, data: dict | None = None, to: str = "") -> None:
    """Record the e-mail (once per key) and send it once the change commits."""
    email = services.order_email_record(order=order, kind=kind, key=key, data=data, to=to)
    if email is not None:
        email_id = email.pk
        transaction.on_commit(lambda: tasks.order_email_send.delay(email_id), robust=True)


def _tell_installer(order: Order, kind: str, key: str) -> None:
    for address in services.members_who_want(order, kind):
        _queue(order=order, kind=kind, key=f"{key}:{address}", to=address)


def _placed(events: list[OrderEvent]) -> bool:
    return any(e.kind == OrderEvent.Kind.CREATED for e in events)


def payment_changed(sender: Any, payment: Payment, event: Any, **kwargs: Any) -> None:
    """A card payment that succeeded gets its receipt (once per payment)."""
    if payment.status != Payment.Status.PAID:
        return
    _queue(
        order=payment.order,
        kind=Kind.RECEIPT,
        key=f"receipt:{payment.pk}",
        data={
            "amount": str(payment.paid_amount),
            "currency": payment.paid_currency,
            "reference": payment.gateway_reference,
            "paid_at": payment.paid_at.isoformat() if payment.paid_at else "",
        },
    )
