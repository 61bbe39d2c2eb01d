"""Rate limits, with ``limits`` (the engine under Flask-Limiter) used directly so a limit can be per API key.

The storage is in memory, so each web process counts on its own: with N workers a client may make up to N
times its limit. A deployment that needs one count can pass a shared storage URI (``redis://...``).
"""

import time

from limits import parse, storage, strategies

SIGN_IN_LIMIT = "20/minute"
"""Sign-in attempts allowed per client address, on top of the per-account lock-out."""


class RateLimiter:
    def __init__(self, storage_uri: str = "memory://"):
        self._limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))

    def hit(self, limit: str, *identifiers: str) -> int | None:
        """Count one request; None if it is allowed, else how many seconds until the next one is."""
        item = parse(limit)
        if self._limiter.hit(item, *identifiers):
            return None
        reset_at = self._limiter.get_window_stats(item, *identifiers).reset_time
        return max(1, int(reset_at - time.time()) + 1)
