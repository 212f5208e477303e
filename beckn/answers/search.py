"""search -> on_search: the catalog matching the intent."""

from typing import Any

from django.conf import settings

from beckn.answers.composer import composer
from beckn.fragments import catalog_answer
from beckn.links import search_listing_record
from beckn.mapping.catalog import offer_query
from config.observability import tracing

JSON = dict[str, Any]


@composer("search")
def answer_search(request: JSON) -> JSON:
    query = offer_query(request["message"]["intent"])
    # The catalog search, answered from the pre-rendered fragments (beckn.fragments): the same
    # message as catalog_message(offer_search(query, limit=...)), in one query.
    with tracing.span("catalog.offer_search") as span:
        answer = catalog_answer(query, limit=settings.BECKN_SEARCH_MAX_ITEMS)
        if span is not None:
            span.set_attribute("catalog.providers", len(answer.provider_ids))
    search_listing_record(context=request["context"], provider_ids=answer.provider_ids)
    return answer.message
