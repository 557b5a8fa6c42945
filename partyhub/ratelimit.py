"""Counting attempts per hour in the shared cache (Redis in production), so every
web process counts together.

When the cache cannot be reached (Redis restarting, say) a public form must not
answer with a server error: each web process then counts on its own, in memory,
with a stricter allowance (a quarter of the shared one) until the cache answers
again. Several processes together may then let through a little more than the
shared limit for those minutes; nobody's signup is refused for our fault.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

# What "the cache is unreachable" looks like from Django's Redis backend.
CACHE_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError)
# Each process's share of the limit while it counts alone.
FALLBACK_SHARE = 4

_local_counts: dict[str, int] = {}
_local_lock = threading.Lock()


def client_ip(request: HttpRequest) -> str:
    """The visitor's address as allauth's own rate limits see it, so one setting
    (TRUSTED_PROXY_COUNT) tells every limit how many proxies stand in front of
    the site. Empty when the address cannot be trusted."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return ""


def hourly_allowance_take(
    namespace: str, key: str, limit: int, *, amount: int = 1
) -> bool:
    """Count `amount` attempts (one, or the places a booking takes) for `key`;
    False once `limit` is passed this hour.

    A fixed one-hour window; the key is hashed so no address sits in the cache.
    add() then incr() is atomic in Redis.
    """
    window = int(time.time() // 3600)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"{namespace}:{digest}:{window}"
    try:
        cache.add(cache_key, 0, timeout=3600)
        try:
            count = cache.incr(cache_key, amount)
        except ValueError:  # expired between add() and incr()
            cache.add(cache_key, amount, timeout=3600)
            count = amount
    except CACHE_UNAVAILABLE:
        log.warning("Cache unreachable: %s counts in this process only", namespace)
        return _local_allowance_take(cache_key, window, limit, amount)
    return count <= limit


def _local_allowance_take(
    cache_key: str, window: int, limit: int, amount: int = 1
) -> bool:
    """The per-process count used while the shared cache is down."""
    suffix = f":{window}"
    with _local_lock:
        for stale in [k for k in _local_counts if not k.endswith(suffix)]:
            del _local_counts[stale]
        count = _local_counts.get(cache_key, 0) + amount
        _local_counts[cache_key] = count
    return count <= math.ceil(limit / FALLBACK_SHARE)
