"""What the data protection app holds about people, in the register of personal
data (`partyhub.personal_data`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from partyhub.personal_data import DELETE, KEEP, Repoint, register


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
        )
