"""Names as Vietnamese write them (issue 14 point 4): one field, family name first — "Nguyễn Văn An", never Django's
"An Nguyễn Văn".

Accounts keep the family name in ``last_name`` and the middle and given names in ``first_name`` (the demo accounts,
the identity import). Django's ``AbstractUser.get_full_name`` joins them the other way round;
:func:`use_vietnamese_order` (called once from ``CoreConfig.ready``) makes every caller — views, templates
(``{{ user.get_full_name }}``), the data-access log, PAKN forms, the demo list — write the Vietnamese order.
"""

from __future__ import annotations


def full_name(user) -> str:
    """``last_name first_name`` ("Nguyễn Văn An"); empty when neither is set."""
    if user is None:
        return ""
    return " ".join(part for part in ((user.last_name or "").strip(), (user.first_name or "").strip()) if part)


def use_vietnamese_order() -> None:
    from django.contrib.auth.models import AbstractUser

    def get_full_name(self) -> str:
        return full_name(self)

    get_full_name.__doc__ = "The full name in Vietnamese order: family name first (motcua.core.names)."
    AbstractUser.get_full_name = get_full_name
