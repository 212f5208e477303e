"""What is answered: one composer per Beckn action we serve, each registered with the delivery
engine by `@composer("<action>")` (composer.py) when this package is imported (BecknConfig.ready
does). A composer reads the request, calls the domain's selectors and services, and maps the
result with beckn/mapping/:

- search.py: search;
- quote.py: select, init (a quote, with the document forms of its items);
- order.py: confirm, status, track, cancel, update (a placed order);
- support.py: support;
- rating.py: rating.
"""

from beckn.answers import order, quote, rating, search, support  # noqa: F401 - registers them
