"""search -> on_search: the catalog matching the intent."""

from typing import Any

from django.conf import settings

from beckn.answers.composer import composer
from beckn.links import search_listing_record
from beckn.mapping.catalog import catalog_message, offer_query
from catalog.selectors import offer_search
from config.observability import tracing

JSON = dict[str, Any]


@composer("search")
def answer_search(request: JSON) -> JSON:
    query = offer_query(request["message"]["intent"])
    with tracing.span("catalog.offer_search") as span:
        providers = offer_search(query, limit=settings.BECKN_SEARCH_MAX_ITEMS)
        if span is not None:
            span.set_attribute("catalog.providers", len(providers))
    search_listing_record(context=request["context"], providers=providers)
    return catalog_message(providers)
