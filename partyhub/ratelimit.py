"""Counting attempts per hour in the shared cache (Redis in production), so every
web process counts together."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


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
    cache.add(cache_key, 0, timeout=3600)
    try:
        count = cache.incr(cache_key, amount)
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, amount, timeout=3600)
        count = amount
    return count <= limit
