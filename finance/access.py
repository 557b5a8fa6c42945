"""Who may see donors and keep the books: the treasurer and the chair of a CLP,
and the people they delegate to (FinanceDelegate), for that CLP only; a regional
organiser everywhere. Other officers see none of it. An office grants nothing
until two-factor is set up (partyhub.admin_site.officer_powers)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from members.roles import Role
from partyhub.scoping import current_offices

FINANCE_ROLES = frozenset({Role.TREASURER.value, Role.CHAIR.value})
# The treasurer and the chair may delegate; delegates may not delegate again.
DELEGATING_ROLES = FINANCE_ROLES

_CACHE = "_partyhub_finance_constituencies"


def finance_constituencies(user: Any) -> frozenset[int] | None:
    """The constituencies whose donors and books the user may see (None: all)."""
    from partyhub.admin_site import officer_powers

    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    if not user.is_active:
        return frozenset()
    if user.is_superuser:
        return None if bool(officer_powers(user)) else frozenset()
    cached: frozenset[int] | None = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    if not officer_powers(user):
        ids: frozenset[int] = frozenset()
    else:
        from finance.models import FinanceDelegate

        today = timezone.localdate()
        own = {cid for role, cid in current_offices(user) if role in FINANCE_ROLES}
        delegated = set(
            FinanceDelegate.objects.filter(person__user=user, starts__lte=today)
            .exclude(ends__lt=today)
            .values_list("constituency_id", flat=True)
        )
        ids = frozenset(own | delegated)
    setattr(user, _CACHE, ids)
    return ids


def may_handle(user: Any, constituency_id: int) -> bool:
    ids = finance_constituencies(user)
    return ids is None or constituency_id in ids


def may_delegate(user: Any, constituency_id: int) -> bool:
    from partyhub.admin_site import officer_powers

    if user is not None and user.is_active and user.is_superuser:
        return officer_powers(user)
    return officer_powers(user) and any(
        role in DELEGATING_ROLES and cid == constituency_id
        for role, cid in current_offices(user)
    )


def has_any(user: Any) -> bool:
    ids = finance_constituencies(user)
    return ids is None or bool(ids)
