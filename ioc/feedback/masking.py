"""Masking reporters' contacts: the one function every page, API answer and export uses.

Only principals who handle feedback (``feedback:handle``) see a reporter's phone and e-mail in full; everyone
else sees enough to tell two reporters apart, and no more.
"""

from __future__ import annotations

from collections.abc import Mapping

MASK = "•"
CONTACT_FIELDS = ("reporter_phone", "reporter_email")


def mask_phone(phone: str | None) -> str | None:
    """'0912 345 678' -> '•••••••678': the last three digits only."""
    if not phone:
        return phone
    digits = [character for character in phone if character.isdigit()]
    return MASK * max(len(digits) - 3, 3) + "".join(digits[-3:])


def mask_email(email: str | None) -> str | None:
    """'nguyenvana@gmail.com' -> 'n•••@gmail.com'."""
    if not email:
        return email
    local, _at, domain = email.partition("@")
    return f"{local[:1]}{MASK * 3}@{domain}" if domain else MASK * 3


def masked(report: Mapping, may_see_contacts: bool) -> dict:
    """A copy of ``report`` with its phone and e-mail masked unless ``may_see_contacts``."""
    copy = dict(report)
    if not may_see_contacts:
        copy["reporter_phone"] = mask_phone(copy.get("reporter_phone"))
        copy["reporter_email"] = mask_email(copy.get("reporter_email"))
    return copy
