"""Random bearer secrets and the digests under which they are stored.

Session tokens, kiosk tokens and API keys carry 256 random bits, so a plain SHA-256 is enough to store them:
unlike a password, there is nothing to guess that a slow hash would protect.
"""

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token(prefix: str = "") -> str:
    """A fresh URL-safe secret; the prefix (``iock_``, ``ioca_``) lets secret scanners recognise it."""
    return prefix + secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    """The SHA-256 hex digest stored in place of ``token``."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
