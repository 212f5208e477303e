"""E-mails to homeowners about their order: recorded when the change happens (OrderEmail, in
the changing transaction), sent by a Celery task after the commit (notices.tasks), rendered from
templates/emails/<kind>.txt and .html, appointments with an .ics invitation in the site's zone.

Who gets them: the order's customer (else billing) e-mail; orders placed on the web always,
orders of a buyer app only when NOTIFY_NETWORK_ORDERS is on (the app owns that relationship)."""

import smtplib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from catalog import zones
from catalog.formatting import money as money_in_words
from catalog.models import ProviderMember
from catalog.taxonomy import DocumentationStatus, InstallationStatus, VerificationStatus
from documents import selectors as documents
from notices import ics
from notices.models import OrderEmail, ReminderOptOut
from orders import policies
from orders.models import Order
from payments import selectors as payments

SUBJECTS = {
    OrderEmail.Kind.PLACED: "Your order {ir} with {installer} is placed",
    OrderEmail.Kind.APPOINTMENT: "Your {appointment} with {installer}: {when}",
    OrderEmail.Kind.REMINDER: "Tomorrow: your {appointment} with {installer}, {when}",
    OrderEmail.Kind.DOCUMENTS: "Order {ir}: documents to send again",
    OrderEmail.Kind.TECHNICIAN: "Order {ir}: {technician} is your technician",
    OrderEmail.Kind.COMPLETED: "Your installation {ir} is completed",
    OrderEmail.Kind.RECEIPT: "Receipt: your payment for order {ir}",
    OrderEmail.Kind.NEW_ORDER: "New order {ir}: {customer}",
    OrderEmail.Kind.REVIEW: "Order {ir}: documents to review",
}
# The e-mails to the installer's members (the others go to the homeowner).
TO_INSTALLER = (OrderEmail.Kind.NEW_ORDER, OrderEmail.Kind.REVIEW)
REMINDER_SALT = "notices.reminders.off"
REDO = (VerificationStatus.NEEDS_REVISION, VerificationStatus.REJECTED)


def recipient_of(order: Order) -> str:
    """Whom the order's e-mails go to ('' when nobody should get them)."""
    if order.channel == Order.Channel.NETWORK and not settings.NOTIFY_NETWORK_ORDERS:
        return ""
    return order.customer_email or order.billing_email


def order_email_record(
    *, order: Order, kind: str, key: str, data: dict | None = None, to: str = ""
) -> OrderEmail | None:
    """Record an e-mail about `order`, once per `key`, to be sent after the commit (the caller
    queues notices.tasks.order_email_send): to `to` (an installer's member), by default to the
    homeowner. None when the order has nobody to write to, or the same e-mail was recorded
    before."""
    recipient = to or recipient_of(order)
    if not recipient:
        return None
    try:
        with transaction.atomic():
            return OrderEmail.objects.create(
                order=order, kind=kind, key=key[:200], recipient=recipient, data=data or {}
            )
    except IntegrityError:  # recorded already (a repeated reminder, a replayed payment event)
        return None


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def reminders_off_token(order: Order) -> str:
    return signing.dumps(order.pk, salt=REMINDER_SALT)


def reminders_off_token_valid(*, token: str) -> bool:
    try:
        signing.loads(token, salt=REMINDER_SALT)
    except signing.BadSignature:
        return False
    return True


def reminders_off(*, token: str) -> Order | None:
    """Turn off the reminders of the order the signed `token` names (None for a bad token)."""
    try:
        order_id = signing.loads(token, salt=REMINDER_SALT)
    except signing.BadSignature:
        return None
    order = Order.objects.filter(pk=order_id).first()
    if order is not None:
        ReminderOptOut.objects.get_or_create(order=order)
    return order


def _appointment(order: Order, which: str) -> tuple[str, datetime, datetime] | None:
    survey = which == policies.Appointment.SURVEY
    start = order.survey_start if survey else order.installation_start
    end = order.survey_end if survey else order.installation_end
    if start is None or end is None:
        return None
    return policies.Appointment(which).label, start, end


def _pay_now(order: Order) -> dict[str, str]:
    """The "Pay now" link of a homeowner's e-mail, when the order can be paid by card now (its
    terms say payment is due and the installer collects it); empty otherwise."""
    window = payments.payment_window(order=order)
    if not window.payable_now:
        return {}
    return {
        "pay_url": payments.payment_page_url(order=order),
        "pay_amount": money_in_words(order.total, order.currency),
        "pay_due": window.due,
    }


def _context(email: OrderEmail) -> dict[str, Any]:
    order = email.order
    context: dict[str, Any] = {
        "order": order,
        "email": email,
        "ir": order.installation_request_id,
        "installer": order.provider.name,
        "tracking_url": _absolute(reverse("orders:track", args=[order.tracking_token])),
        "survey": order.survey_in_words(),
        "installation": order.installation_in_words(),
        "total": money_in_words(order.total, order.currency),
        "data": email.data,
        "workspace_url": _absolute(reverse("workspace:order", args=[order.pk])),
    }
    if email.kind not in TO_INSTALLER:
        context.update(_pay_now(order))
    which = email.data.get("appointment")
    if which and (appointment := _appointment(order, which)):
        label, start, end = appointment
        context.update(
            appointment=label.lower(),
            when=zones.window_in_words(start, end, order.site_time_zone),
            start=start,
            end=end,
        )
    if email.kind == OrderEmail.Kind.REMINDER:
        context["reminders_off_url"] = _absolute(
            reverse("orders:reminders-off", args=[reminders_off_token(order)])
        )
    if email.kind == OrderEmail.Kind.DOCUMENTS:
        context["redo"] = [
            r
            for r in documents.order_requirements(order)
            if r.document is not None and r.document.verification_status in REDO
        ]
    if email.kind == OrderEmail.Kind.TECHNICIAN:
        context["technician"] = order.technician
    if email.kind == OrderEmail.Kind.COMPLETED:
        ir = order.tracking_token
        context.update(
            certificate_url=_absolute(reverse("documents:order_certificate", args=[ir])),
            invoice_url=_absolute(reverse("documents:order_invoice", args=[ir])),
        )
    return context


def _still_needed(email: OrderEmail, context: dict[str, Any]) -> bool:
    """Whether the e-mail still says something true when it is sent."""
    order = email.order
    if email.kind == OrderEmail.Kind.REVIEW:
        return order.documentation_status == DocumentationStatus.COMPLETED
    if email.kind == OrderEmail.Kind.REMINDER:
        open_ = order.status in policies.OPEN_STATUSES
        opted_out = ReminderOptOut.objects.filter(order=order).exists()
        return open_ and not opted_out and "when" in context
    if email.kind == OrderEmail.Kind.APPOINTMENT:
        return "when" in context and order.status in policies.OPEN_STATUSES
    if email.kind == OrderEmail.Kind.DOCUMENTS:
        return bool(context["redo"])
    if email.kind == OrderEmail.Kind.TECHNICIAN:
        return order.technician is not None
    if email.kind == OrderEmail.Kind.COMPLETED:
        return order.status == InstallationStatus.COMPLETED
    return True


def order_email_message(email: OrderEmail) -> EmailMultiAlternatives | None:
    """The message of a recorded e-mail, rendered now (None when it is no longer needed)."""
    context = _context(email)
    if not _still_needed(email, context):
        return None
    subject = SUBJECTS[email.kind].format(
        ir=context["ir"],
        installer=context["installer"],
        appointment=context.get("appointment", ""),
        when=context.get("when", ""),
        technician=getattr(context.get("technician"), "name", ""),
        customer=email.order.customer_name,
    )
    template = f"emails/{email.kind.lower()}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
        reply_to=[email.order.provider.contact_email]
        if email.order.provider.contact_email
        else None,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    if "start" in context and email.kind in (OrderEmail.Kind.APPOINTMENT, OrderEmail.Kind.PLACED):
        message.attach(
            f"{context['ir']}.ics",
            ics.invitation(
                uid=f"{context['ir']}-{email.data.get('appointment', '')}@sunbeckn",
                summary=f"{context['appointment'].capitalize()} with {context['installer']}",
                start=context["start"],
                end=context["end"],
                location=email.order.site_address,
                zone_name=email.order.zone.key,
                url=context["tracking_url"],
            ),
            "text/calendar; method=PUBLISH",
        )
    return message


def order_email_send(*, email_id: int) -> OrderEmail | None:
    """Send a recorded e-mail once: SENT, SKIPPED when no longer needed; an error of the mail
    server is recorded and raised again (the task retries it)."""
    with transaction.atomic():
        email = (
            OrderEmail.objects.select_for_update(of=("self",))
            .select_related("order__provider", "order__technician")
            .filter(pk=email_id, status=OrderEmail.Status.QUEUED)
            .first()
        )
        if email is None:
            return None
        email.attempts += 1
        message = order_email_message(email)
        if message is None:
            email.status = OrderEmail.Status.SKIPPED
            email.save(update_fields=["status", "attempts"])
            return email
        email.subject = message.subject
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as exc:
            # Kept (this transaction commits), then raised again for the task to retry.
            email.failure = f"{type(exc).__name__}: {exc}"[:2000]
            email.save(update_fields=["attempts", "failure", "subject"])
            failed = exc
        else:
            email.status, email.sent_at, email.failure = OrderEmail.Status.SENT, timezone.now(), ""
            email.save(update_fields=["status", "sent_at", "failure", "attempts", "subject"])
            return email
    raise failed


def order_email_failed(*, email_id: int, failure: str) -> None:
    """The task gave up: the e-mail is FAILED, with the last error, for the installer to see."""
    OrderEmail.objects.filter(pk=email_id, status=OrderEmail.Status.QUEUED).update(
        status=OrderEmail.Status.FAILED, failure=failure[:2000]
    )


def appointment_reminders_record(*, now: datetime | None = None) -> list[OrderEmail]:
    """Record a reminder for every appointment of an open order starting within a day (one per
    appointment and start time: a moved appointment gets its own); the new ones."""
    now = now or timezone.now()
    until = now + timedelta(days=1)
    orders = Order.objects.filter(status__in=policies.OPEN_STATUSES, reminder_opt_out=None)
    recorded = []
    for field, which in (
        ("survey_start", policies.Appointment.SURVEY),
        ("installation_start", policies.Appointment.INSTALLATION),
    ):
        for order in orders.filter(**{f"{field}__gt": now, f"{field}__lte": until}):
            email = order_email_record(
                order=order,
                kind=OrderEmail.Kind.REMINDER,
                key=f"reminder:{order.pk}:{which}:{getattr(order, field).isoformat()}",
                data={"appointment": which},
            )
            if email is not None:
                recorded.append(email)
    return recorded


def members_who_want(order: Order, kind: str) -> list[str]:
    """The e-mail addresses of the installer's members who chose e-mails of `kind`."""
    choice = "emails_new_orders" if kind == OrderEmail.Kind.NEW_ORDER else "emails_documents"
    members = ProviderMember.objects.filter(provider_id=order.provider_id, **{choice: True})
    return [m.user.email for m in members.select_related("user") if m.user.email]
