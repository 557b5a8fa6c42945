"""Who may use the electoral register: officers of the CLP (with two-factor, like
every office) and the canvass leads its officers appointed. Nobody else — not a
member, not an officer of another CLP — sees an elector."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from partyhub.scoping import constituency_ids


def canvass_constituency_ids(user: Any) -> frozenset[int] | None:
    """The CLPs whose register the user may use; None means all (superuser with
    two-factor)."""
    from canvassing.models import CanvassLead
    from partyhub.admin_site import officer_powers

    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    ids: set[int] = set()
    if officer_powers(user):
        officer = constituency_ids(user)
        if officer is None:
            return None
        ids |= officer
    ids |= set(
        CanvassLead.objects.filter(person__user=user).values_list(
            "constituency_id", flat=True
        )
    )
    return frozenset(ids)


def may_canvass(user: Any, constituency_id: int | None) -> bool:
    ids = canvass_constituency_ids(user)
    return ids is None or (constituency_id is not None and constituency_id in ids)


def scoped(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """The rows of the register the user may see."""
    from partyhub.scoping import scope_queryset

    return scope_queryset(queryset, canvass_constituency_ids(user))


def check(user: Any, constituency_id: int | None) -> None:
    """404 for anyone who may not use this CLP's register (says nothing of it)."""
    if not may_canvass(user, constituency_id):
        raise Http404
