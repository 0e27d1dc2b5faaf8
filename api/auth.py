"""``Authorization: Bearer <token>``: the token's account, throttled per token.

The account acts exactly as on the pages: ``request.user`` is set to it, so the services'
permission checks, ``restrict`` and the audit trail (simple-history reads request.user) see
the same person. Only the token's SHA-256 is looked up; last use is written at most once a
minute per token. The per-token request count lives in the shared cache (``CACHES``: the
database cache of ``core.cache``), so every worker process counts on the same number.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from ninja.security import HttpBearer

from api.models import ApiToken, token_hash

API_RATE_PER_MINUTE = 120
LAST_USED_EVERY = 60  # seconds


class Throttled(Exception):
    def __init__(self, limit: int, retry_after: int):
        self.limit = limit
        self.retry_after = retry_after


def rate_limit() -> int:
    return getattr(settings, "API_RATE_PER_MINUTE", API_RATE_PER_MINUTE)


def request_count(token_pk: int, window: int) -> int:
    """Count one more request of the token in the window and return the count so far. The
    count lives in the shared cache (``CACHES``: the database), so every worker process adds to
    the same number; ``incr`` is atomic there (``core.cache``)."""
    key = f"api:rate:{token_pk}:{window}"
    for _attempt in range(3):
        try:
            return cache.incr(key)
        except ValueError:  # no count yet in this window
            if cache.add(key, 1, 120):
                return 1
            # another process added it first: count on it
    return cache.incr(key)


def throttle(token: ApiToken) -> None:
    """At most rate_limit() requests per token per clock minute (a fixed window)."""
    limit = rate_limit()
    now = time.time()
    count = request_count(token.pk, int(now // 60))
    if count > limit:
        raise Throttled(limit, max(1, int(60 - now % 60)))


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        if not token or len(token) > 200:
            return None
        found = (
            ApiToken.objects.select_related("user", "user__unit")
            .filter(key_hash=token_hash(token))
            .first()
        )
        now = timezone.now()
        if found is None or not found.is_usable(now):
            return None
        throttle(found)
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > (
            LAST_USED_EVERY
        ):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found
        return found.user
