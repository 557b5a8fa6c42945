"""Polling day: who has voted, from the marked register of postal voters and the
tellers' numbers; the knock-up list is our supporters who have not."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from canvassing.models import Elector, PollingDistrict, RegisterImport
from canvassing.services.register import normalise_number
from partyhub.audit.services import audit_log
from partyhub.errors import DomainError


def numbers_from_text(text: str) -> tuple[list[str], list[str]]:
    """Elector numbers typed or pasted (commas, spaces or lines between them),
    and the pieces that are not numbers."""
    numbers, bad = [], []
    for piece in re.split(r"[\s,;]+", text.strip()):
        if not piece:
            continue
        parsed = normalise_number(piece)
        if parsed is None:
            bad.append(piece)
        else:
            numbers.append(parsed[0])
    return numbers, bad


@transaction.atomic
def mark_voted(
    *,
    district: PollingDistrict,
    numbers: list[str],
    actor: Any,
    source: str = "tellers",
) -> tuple[int, list[str]]:
    """Mark these electors as having voted (again is harmless). Returns how many
    were newly marked and the numbers not on the register."""
    if not numbers:
        raise DomainError(_("Type or paste at least one elector number."))
    wanted = set(numbers)
    known = set(
        Elector.objects.filter(district=district, number__in=wanted).values_list(
            "number", flat=True
        )
    )
    marked = Elector.objects.filter(
        district=district, number__in=known, voted_at__isnull=True
    ).update(voted_at=timezone.now())
    run = RegisterImport.objects.create(
        district=district,
        kind=RegisterImport.Kind.MARKED,
        file_name=source[:200],
        changed=marked,
        imported_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_log(
        actor=actor,
        action="canvassing.voted_marked",
        obj=run,
        constituency_id=district.constituency_id,
        detail={"district": district.code, "marked": marked, "source": source},
    )
    return marked, sorted(wanted - known)
