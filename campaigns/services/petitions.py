"""Petitions: signing online (with the supporters' double opt-in for email),
paper signatures entered in bulk, and the hand-in export."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import (
    Petition,
    Signature,
)
from campaigns.services.common import CampaignsError
from members.services import person_for_public_form
from partyhub.audit.services import audit_log
from partyhub.comms.consent import consent_record
from partyhub.comms.models import Channel, Method
from partyhub.ratelimit import hourly_allowance_take
from supporters.models import Supporter
from supporters.signup import supporter_signup

# --- petitions ------------------------------------------------------------------

# The exact words beside each box on the petition form; the consent ledger keeps
# them, as the ICO expects a record of what the person agreed to.
CONSENT_WORDING = {
    Channel.EMAIL: gettext_lazy(
        "Yes, email me about this campaign and other news from the local party."
    ),
    Channel.POST: gettext_lazy(
        "Yes, write to me about this campaign and other news from the local party."
    ),
}


PETITION_SIGNATURES_PER_IP_PER_HOUR = 30


def petition_ip_allowance_take(*, ip: str) -> bool:
    """Count a petition POST from `ip`; False once the hourly allowance is used up.
    A street stall shares one phone hotspot, so the allowance is generous."""
    limit = getattr(
        settings,
        "CAMPAIGNS_PETITION_SIGNATURES_PER_IP_PER_HOUR",
        PETITION_SIGNATURES_PER_IP_PER_HOUR,
    )
    return hourly_allowance_take("campaigns:petition-ip", ip, limit)


@transaction.atomic
def petition_sign(*, petition: Petition, data: dict[str, Any]) -> Signature:
    """A signature from the public page. The signer becomes a Person in the
    petition's constituency — the same Person when the email is already known
    there — and the signature counts at once.

    Keeping in touch by email needs the address proved first: a ticked email box
    starts the supporters' club double opt-in (supporters.signup), so the signer
    becomes a supporter, with email consent, only when they confirm the link mailed
    to them. A ticked post box is recorded now, as it needs no address proved.
    """
    if petition.status != Petition.Status.OPEN:
        raise CampaignsError(_("This petition is not open for signatures."))
    person = person_for_public_form(
        email=data["email"],
        constituency_ids=[petition.constituency_id],
        first_name=data["first_name"],
        last_name=data["last_name"],
        postcode=data.get("postcode", ""),
    )
    signature, created = Signature.objects.get_or_create(
        petition=petition, person=person
    )
    if data.get(f"consent_{Channel.POST}"):
        consent_record(
            person=person,
            channel=Channel.POST,
            granted=True,
            method=Method.PETITION,
            wording=str(CONSENT_WORDING[Channel.POST]),
        )
    if data.get(f"consent_{Channel.EMAIL}"):
        supporter_signup(
            data={
                "first_name": data["first_name"].strip(),
                "last_name": data["last_name"].strip(),
                "email": data["email"].strip(),
                "postcode": data.get("postcode", ""),
                "phone": "",
                "offers": [],
                "consents": {Channel.EMAIL.value: str(CONSENT_WORDING[Channel.EMAIL])},
                "form_constituency": petition.constituency_id,
                "source": Supporter.Source.PETITION.value,
                "petition": petition.pk,
            },
            constituency=petition.constituency,
        )
    if created:
        audit_log(actor=None, action="petition.sign", obj=signature)
    return signature


def petition_export(*, petition: Petition, actor: Any) -> list[tuple[str, str]]:
    """Names and postcodes for handing the petition in — nothing else leaves."""
    rows = [
        (f"{first} {last}".strip(), postcode)
        for first, last, postcode in petition.signatures.order_by(
            "created"
        ).values_list("person__first_name", "person__last_name", "person__postcode")
    ]
    audit_log(
        actor=actor,
        action="petition.export",
        obj=petition,
        row_count=len(rows),
    )
    return rows
