"""support -> on_support: the installer's contact for an order id or a provider id."""

from typing import Any

from beckn.answers.composer import BusinessError, composer
from beckn.answers.order import own_order
from beckn.mapping.catalog import support_json
from catalog.models import Provider
from orders import errors

JSON = dict[str, Any]


@composer("support")
def answer_support(request: JSON) -> JSON:
    support = request["message"]["support"]
    ref_id = support.get("order_id") or support["ref_id"]
    try:
        provider = own_order(request, ref_id).provider
    except errors.OrderNotFound:
        provider = Provider.objects.filter(external_id=ref_id, is_active=True).first()
    if provider is None:
        raise BusinessError("50004", f"No support for {ref_id!r}: no such order or provider.")
    return support_json(provider, ref_id)
