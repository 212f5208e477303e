"""config/redis_cache.py: Django's Redis cache keeps one redis-py client per connection pool, and
counts windowed counters in one round trip. Needs a Redis server (REDIS_URL, or the local one);
skipped without one, except in CI."""

import os
import uuid

import pytest
import redis

from config.redis_cache import RedisCache
from tests.conftest import in_ci

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_cache() -> RedisCache:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        if in_ci():
            raise
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    return RedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})


def test_a_counter_counts_from_one_and_expires_with_its_window(redis_cache: RedisCache) -> None:
    assert [redis_cache.count("window", 30) for _ in range(3)] == [1, 2, 3]
    key = redis_cache.make_and_validate_key("window")
    client = redis_cache._cache.get_client(key, write=True)
    assert 0 < client.ttl(key) <= 30
    redis_cache.count("window", 300)  # a later count does not push the window's end back
    assert client.ttl(key) <= 30
    assert redis_cache.get("window") == 4  # the cache reads the counter as Django would


def test_the_cache_keeps_its_client(redis_cache: RedisCache) -> None:
    redis_cache.set("kept", {"a": 1}, 30)
    assert redis_cache.get("kept") == {"a": 1}
    assert redis_cache._cache.get_client(write=True) is redis_cache._cache.get_client(write=True)
