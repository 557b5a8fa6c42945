"""What campaigning keeps, and for how long (see partyhub.dataprotection)."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partyhub.dataprotection.erasure import (
    has_personal_details,
    person_erase_for_retention,
)
from partyhub.dataprotection.notice import register_purpose
from partyhub.dataprotection.retention import (
    active_since,
    register_activity,
    register_category,
    register_rule,
)

register_category(
    "call_notes",
    label=_("Notes of phone calls and contacts"),
    default_days=2 * 365,
    counted_from=_("after the call"),
    then=_("the note is removed; that the call happened, and its outcome, are kept"),
    order=40,
)
register_category(
    "petitions",
    label=_("Petition signers who did not join"),
    default_days=2 * 365,
    counted_from=_("after the petition closed"),
    then=_("their details are erased; the petition keeps its count of signatures"),
    order=50,
)


def _call_notes(constituency, cutoff):
    entry = apps.get_model("campaigns", "CallListEntry")
    return entry._base_manager.filter(
        call_list__constituency=constituency, called_at__lt=cutoff
    ).exclude(notes="")


def _blank_call_notes(entry, reason: str) -> None:
    entry.notes = ""
    entry.save(update_fields=["notes"])


def _petition_signers(constituency, cutoff):
    person = apps.get_model("members", "Person")
    signature = apps.get_model("campaigns", "Signature")
    petition = apps.get_model("campaigns", "Petition")
    membership = apps.get_model("members", "Membership")
    supporter = apps.get_model("supporters", "Supporter")
    closed = [petition.Status.CLOSED, petition.Status.HANDED_IN]
    cutoff_day = timezone.localtime(cutoff).date()
    # A petition not closed, closed after the cutoff, or with no closing date and a
    # signature after the cutoff (then its last signature stands for the date).
    not_yet = (
        ~Q(petition__status__in=closed)
        | Q(petition__closed_on__gte=cutoff_day)
        | Q(
            Exists(
                signature._base_manager.filter(
                    petition=OuterRef("petition"), created__gte=cutoff
                )
            ),
            petition__closed_on__isnull=True,
        )
    )
    return (
        person._base_manager.filter(
            Exists(
                signature._base_manager.filter(
                    person=OuterRef("pk"), petition__constituency=constituency
                )
            )
        )
        .filter(has_personal_details())
        .exclude(Exists(signature._base_manager.filter(not_yet, person=OuterRef("pk"))))
        # "Unless they joined": members and supporters follow their own periods.
        .exclude(Exists(membership._base_manager.filter(person=OuterRef("pk"))))
        .exclude(Exists(supporter._base_manager.filter(person=OuterRef("pk"))))
        .exclude(active_since(cutoff))
    )


register_rule(
    "call_notes",
    "campaigns.CallListEntry",
    candidates=_call_notes,
    apply=_blank_call_notes,
)
register_rule(
    "petitions",
    "members.Person",
    candidates=_petition_signers,
    apply=person_erase_for_retention,
)
register_activity("campaigns.SessionSignup", date_field="created")
register_activity("campaigns.TeamMembership", date_field="joined")
register_activity("campaigns.CallListEntry", date_field="called_at")
register_activity("campaigns.Signature", date_field="created")
register_activity("campaigns.Response", date_field="created")
register_activity(
    "campaigns.StreetReport", person_field="reporter", date_field="created"
)


register_purpose(
    "campaigning",
    title=_("Campaigning"),
    why=_(
        "Petitions and surveys on local issues, phone banking, campaign teams and "
        "reports of local problems passed to councillors."
    ),
    data=_(
        "Name, contact details, postcode, petitions signed, survey answers, call "
        "outcomes and notes, teams and sessions"
    ),
    people=_("Members, supporters and members of the public who take part"),
    basis=_(
        "Legitimate interests in democratic engagement (art. 6(1)(f)); contact only "
        "with your consent"
    ),
    special=_(
        "Political opinions: art. 9(2)(g) with the Data Protection Act 2018, "
        "schedule 1 paragraph 22 (political parties)"
    ),
    models=(
        "campaigns.Signature",
        "campaigns.Response",
        "campaigns.CallListEntry",
        "campaigns.TeamMembership",
        "campaigns.SessionSignup",
        "campaigns.StreetReport",
    ),
    retention=("petitions", "call_notes"),
    order=30,
)
