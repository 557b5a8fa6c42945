"""The person's page in the admin: a summary at the top, the history below.

Both come from `members.history` (the register of personal data's timeline),
scoped to the officer's constituencies: another constituency's activity shows as
"Activity in another constituency", with its date only.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from members.admin import PersonAdmin
from members.history import person_history, person_summary
from partyhub.scoping import constituency_ids

_render_change_form = PersonAdmin.render_change_form


def quick_actions(request, person) -> list[tuple[str, str]]:
    """Links to the existing pages that act on a person, for those allowed."""
    candidates = (
        (
            _("Log a contact"),
            "members.add_contactlog",
            "admin:members_contactlog_add",
            {"person": person.pk},
        ),
        (
            _("Send a templated email (renewal desk)"),
            "members.view_deskmembership",
            "admin:members_deskmembership_changelist",
            {"person__id__exact": person.pk},
        ),
        (
            _("Book onto an event"),
            "events.add_booking",
            "admin:events_booking_add",
            {"person": person.pk},
        ),
        (
            _("Add to a team"),
            "campaigns.change_team",
            "admin:campaigns_team_changelist",
            {},
        ),
    )
    links = []
    for label, perm, name, query in candidates:
        if not request.user.has_perm(perm):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        links.append((label, f"{url}?{urlencode(query)}" if query else url))
    return links


def render_change_form(
    self, request, context, add=False, change=False, form_url="", obj=None
):
    if obj is not None and obj.pk and not add:
        history = person_history(
            obj,
            constituency_ids=constituency_ids(request.user),
            kind=request.GET.get("history_kind", ""),
            page=request.GET.get("history_page", 1),
        )
        context.update(
            history=history,
            summary=person_summary(obj, history),
            quick_actions=quick_actions(request, obj),
        )
    return _render_change_form(self, request, context, add, change, form_url, obj)


PersonAdmin.render_change_form = render_change_form
PersonAdmin.change_form_template = "admin/members/person/change_form.html"
