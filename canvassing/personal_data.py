"""What canvassing holds about People (partyhub.personal_data).

Electors are not People: the electoral register is kept apart, used for electoral
purposes only, and replaced or deleted whole on the CLP's schedule
(canvassing/retention.py). What is registered here is what canvassing holds
about the party's own people: who leads canvassing, and who recorded what.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from partyhub.personal_data import DELETE, KEEP, Repoint, register
from partyhub.personal_data.timeline import NO_TIMELINE

OFFICERS_WORK = _("Who did the work; the login itself is closed and anonymised")


def register_all() -> None:
    register(
        "canvassing.CanvassLead",
        person_field="person",
        user_fields=("appointed_by",),
        export=[("constituency", "constituency.name"), "created"],
        section="canvass_lead_appointments",
        select_related=("constituency",),
        erase=DELETE,
        repoint=Repoint(prefer=("earliest", "created")),
        retention_category="campaigning",
        describe=_("Appointments as a canvass lead"),
        timeline=NO_TIMELINE(_("The summary shows current roles")),
    )
    for label, fields in (
        ("canvassing.DoorstepReturn", ("recorded_by",)),
        ("canvassing.Walk", ("created_by",)),
        ("canvassing.RegisterImport", ("imported_by",)),
    ):
        register(
            label,
            user_fields=fields,
            erase=KEEP(OFFICERS_WORK),
            retention_category="officers_work",
            describe=_("Canvassing records a canvasser or officer kept"),
            timeline=NO_TIMELINE(_("Canvassing work, not the person's history")),
        )
