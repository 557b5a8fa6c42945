"""What the supporters' club keeps, and for how long (see partyhub.dataprotection)."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db.models import Exists, OuterRef
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
    "unconfirmed_signups",
    label=_("Supporters' club signups never confirmed"),
    default_days=settings.SUPPORTERS_UNCONFIRMED_RETENTION_DAYS,
    counted_from=_("after the form was sent"),
    then=_("the signup is deleted"),
    order=10,
)
register_category(
    "supporters",
    label=_("Supporters with no activity or consent"),
    default_days=3 * 365,
    counted_from=_(
        "after their last activity (an event, a petition, a reply, a consent given "
        "or withdrawn)"
    ),
    then=_("their details are erased; counts of events and petitions are kept"),
    order=20,
)


def _unconfirmed(constituency, cutoff):
    model = apps.get_model("supporters", "SignupRequest")
    return model._base_manager.filter(
        constituency=constituency, confirmed_at__isnull=True, created__lt=cutoff
    )


def _delete(row, reason: str) -> None:
    row.delete()


def _inactive_supporters(constituency, cutoff):
    person = apps.get_model("members", "Person")
    membership = apps.get_model("members", "Membership")
    return (
        person._base_manager.filter(
            supporter__constituency=constituency, supporter__created__lt=cutoff
        )
        .filter(has_personal_details())
        # A member (or former member) follows the members' periods instead.
        .exclude(Exists(membership._base_manager.filter(person=OuterRef("pk"))))
        .exclude(active_since(cutoff))
    )


register_rule(
    "unconfirmed_signups",
    "supporters.SignupRequest",
    candidates=_unconfirmed,
    apply=_delete,
)
register_rule(
    "supporters",
    "members.Person",
    candidates=_inactive_supporters,
    apply=person_erase_for_retention,
)
register_activity("supporters.Supporter", date_field="created")
register_activity("supporters.Supporter", date_field="joined")
register_activity("supporters.Supporter", date_field="left")
register_activity("supporters.AskReply", date_field="at")


register_purpose(
    "supporters",
    title=_("The supporters' club"),
    why=_(
        "To keep supporters in touch: the newsletter, invitations, the prize draw and "
        "occasional requests for help they offered."
    ),
    data=_("Name, email, postcode, phone if given, help offered, consent given"),
    people=_("Supporters"),
    basis=_("Your consent (art. 6(1)(a)), which you can withdraw at any time"),
    special=_(
        "Political opinions shown by supporting the party: art. 9(2)(g) with the "
        "Data Protection Act 2018, schedule 1 paragraph 22 (political parties)"
    ),
    models=("supporters.Supporter", "supporters.SignupRequest", "supporters.AskReply"),
    retention=("unconfirmed_signups", "supporters"),
    order=20,
)
