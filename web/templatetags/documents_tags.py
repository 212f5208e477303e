"""The documents section of the homeowner's order page (templates/orders/track.html)."""

from typing import Any

from django import template

from documents import selectors
from orders.models import Order

register = template.Library()


@register.inclusion_tag("documents/_order_documents.html")
def order_documents_section(order: Order) -> dict[str, Any]:
    documents = selectors.order_documents(order)
    # What each required document's review says, without the file: a tracking link (given
    # to buyer apps, forwarded in mails) never downloads a homeowner's ID proof or bills.
    rows = [{"requirement": requirement} for requirement in documents.requirements]
    certificate_pdf = verification_url = invoice_pdf = ""
    if documents.certificate:
        certificate_pdf, verification_url = selectors.certificate_urls(documents.certificate)
    if documents.invoice:
        invoice_pdf = selectors.invoice_url(documents.invoice)
    return {
        "order": order,
        "rows": rows,
        "forms": [form for form in documents.forms if form.resubmit],
        "certificate": documents.certificate,
        "certificate_pdf": certificate_pdf,
        "verification_url": verification_url,
        "invoice": documents.invoice,
        "invoice_pdf": invoice_pdf,
    }
