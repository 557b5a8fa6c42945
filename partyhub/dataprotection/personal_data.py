"""What the data protection app holds about people, in the register of personal
data (`partyhub.personal_data`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from partyhub.personal_data import DELETE, KEEP, Repoint, register
from partyhub.personal_data.timeline import NO_TIMELINE, gettext, timeline_of


def register_all() -> None:
    register(
        "dataprotection.KeepAsFormerMember",
        person_field="person",
        user_fields=("recorded_by",),
        export=["agreed_on", "how"],
        section="kept_as_former_member",
        erase=DELETE,
        repoint=Repoint(prefer=("earliest", "agreed_on")),
        retention_category="membership",
        describe=_("Agreement to be kept on record, by name, as a former member"),
        timeline=timeline_of(
            "dataprotection.KeepAsFormerMember",
            kind="data",
            moments=lambda k: [
                (k.agreed_on, gettext("Agreed to be kept on record as a former member"))
            ],
        ),
    )
    for label, field in (
        ("dataprotection.RetentionPeriod", "updated_by"),
        ("dataprotection.TpsUpload", "uploaded_by"),
    ):
        register(
            label,
            user_fields=(field,),
            erase=KEEP(
                _(
                    "Who changed the schedule or uploaded the list; the login itself is closed and anonymised"
                )
            ),
            retention_category="officers_work",
            describe=_("Retention schedule changes and TPS uploads an officer made"),
            timeline=NO_TIMELINE(_("An officer's work, not the person's history")),
        )


def register_purposes() -> None:
    from partyhub.dataprotection.notice import register_purpose

    register_purpose(
        "tps",
        title=_("Numbers we must not ring"),
        why=_(
            "To leave numbers on the Telephone Preference Service out of phone "
            "banking and phone lists, unless you told us you are happy to be called."
        ),
        data=_("Telephone numbers on the TPS list, as the TPS supplies them"),
        people=_("Anyone whose number is on the TPS"),
        basis=_("Legal obligation (art. 6(1)(c); PECR regulation 21)"),
        models=("dataprotection.TpsUpload",),
        kept=_("Until the next list is uploaded, which replaces it"),
        order=70,
    )
