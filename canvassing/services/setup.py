"""Appointing canvass leads and setting the imprint (from the admin)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from canvassing.models import CanvassLead, Imprint
from members.models import Constituency, Person
from partyhub.audit.services import audit_log
from partyhub.errors import DomainError
from partyhub.scoping import appointing_constituency
from partyhub.updates import adopt, audit_detail, model_update


@transaction.atomic
def canvass_lead_appoint(
    *, constituency: Constituency, person: Person, actor: Any
) -> CanvassLead:
    """Make a person a canvass lead of the CLP: they may then use its register."""
    if person.constituency_id != constituency.pk:
        raise DomainError(
            "A canvass lead must belong to the constituency whose register they use."
        )
    lead, created = CanvassLead.objects.get_or_create(
        constituency=constituency, person=person
    )
    if created:
        lead.appointed_by = actor if getattr(actor, "is_authenticated", False) else None
        lead.appointed_for_id = appointing_constituency(
            actor,
            spans=[constituency.pk],
            holder_constituency_id=person.constituency_id,
        )
        lead.save(update_fields=["appointed_by", "appointed_for"])
        audit_log(actor=actor, action="canvassing.lead_appointed", obj=lead)
    return lead


@transaction.atomic
def canvass_lead_remove(*, lead: CanvassLead, actor: Any) -> None:
    audit_log(actor=actor, action="canvassing.lead_removed", obj=lead)
    lead.delete()


@transaction.atomic
def imprint_save(
    *,
    constituency: Constituency,
    promoter: str,
    on_behalf_of: str,
    address: str,
    actor: Any,
) -> Imprint:
    imprint: Imprint | None = Imprint.objects.filter(constituency=constituency).first()
    values = {"promoter": promoter, "on_behalf_of": on_behalf_of, "address": address}
    if imprint is None:
        imprint = Imprint(constituency=constituency, **values)
        imprint.full_clean()
        imprint.save()
        audit_log(
            actor=actor, action="canvassing.imprint_set", obj=imprint, detail=values
        )
        return imprint
    changed = model_update(instance=imprint, changes=values, fields=values)
    if changed:
        audit_log(
            actor=actor,
            action="canvassing.imprint_changed",
            obj=imprint,
            detail=audit_detail(changed),
        )
    return imprint


# The admin's entry points (partyhub.admin_base.ServiceWrites): the record the form
# built becomes the one saved, so the admin's history and redirect find it.


def canvass_lead_create(*, instance: CanvassLead, actor: Any) -> CanvassLead:
    lead = canvass_lead_appoint(
        constituency=instance.constituency, person=instance.person, actor=actor
    )
    return adopt(instance, lead)


def canvass_lead_delete(*, instance: CanvassLead, actor: Any) -> None:
    canvass_lead_remove(lead=instance, actor=actor)


def imprint_create(*, instance: Imprint, actor: Any) -> Imprint:
    saved = imprint_save(
        constituency=instance.constituency,
        promoter=instance.promoter,
        on_behalf_of=instance.on_behalf_of,
        address=instance.address,
        actor=actor,
    )
    return adopt(instance, saved)


def imprint_update(
    *, instance: Imprint, changes: dict[str, Any], actor: Any
) -> Imprint:
    values = {
        "promoter": instance.promoter,
        "on_behalf_of": instance.on_behalf_of,
        "address": instance.address,
        **{k: v for k, v in changes.items() if k != "constituency"},
    }
    return imprint_save(constituency=instance.constituency, actor=actor, **values)
