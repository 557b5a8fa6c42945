"""Confirming what a public form left pending, as the emailed link's Confirm
button does (supporters.views.confirm)."""

from __future__ import annotations

import re
from typing import Any

from supporters.models import SignupRequest
from supporters.signup import pending_kind


def confirm_pending(request: SignupRequest) -> tuple[str, dict[str, Any]]:
    pending = pending_kind(request.kind)
    assert pending is not None, request.kind
    return pending.confirm(request)


def confirm_link(mail: Any) -> str:
    """The confirmation link's path in an email's text part."""
    return re.search(r"/supporters/confirm/\S+/", mail.body).group(0)


def sign_confirmed(*, petition: Any, data: dict[str, Any]) -> Any:
    """Sign a petition online and confirm from the email; the Signature."""
    from campaigns.models import Signature
    from campaigns.services import petition_sign

    confirm_pending(petition_sign(petition=petition, data=data))
    return (
        Signature.objects.filter(
            petition=petition, person__email__iexact=data["email"].strip()
        )
        .order_by("-pk")
        .first()
    )
