"""Every web test starts with an empty cache: the limits on mails sent (web/throttling.py) count
there, and one test's requests must not count against the next one's."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()
