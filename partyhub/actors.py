"""Who did it: the actor a service records, from a request.

Services take `actor: User | None` (None: the system, or a visitor who is not
logged in). Views and admin pages pass `actor_of(request)`, never `request.user`,
whose type also admits AnonymousUser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from partyhub.accounts.models import User


def actor_of(request: HttpRequest) -> User | None:
    """The logged-in user making `request`, or None for an anonymous visitor."""
    return user_or_none(request.user)


def user_or_none(user: User | AnonymousUser | None) -> User | None:
    """`user` when it is a login, None when it is nobody or an anonymous visitor."""
    if user is None or not user.is_authenticated:
        return None
    return user
