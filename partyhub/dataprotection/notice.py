"""The privacy notice, the appropriate policy document and the record of processing
(ROPA), generated from what the apps register and the CLP's retention schedule.

UK GDPR art. 13 says what a notice must tell people, art. 30 what the record of
processing holds; the DPA 2018 (sch. 1 part 4) asks for an "appropriate policy
document" when special category data (political opinions) is processed under a
substantial public interest condition. Each app says, in its `retention.py`, what
it holds and why with `register_purpose(...)`; the documents follow by
construction, so a new app's data cannot be left out of them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partyhub.dataprotection.retention import schedule


@dataclass(frozen=True)
class Purpose:
    key: str
    title: Any
    why: Any
    data: Any  # the kinds of data, in words
    people: Any  # whose data
    basis: Any  # UK GDPR art. 6
    special: Any  # art. 9 and DPA 2018 sch. 1 condition, or ""
    models: tuple[str, ...]  # the registered models this purpose covers
    retention: tuple[str, ...]  # retention categories that apply
    kept: Any  # how long, in words, besides the schedule
    order: int = 100


_PURPOSES: dict[str, Purpose] = {}


def register_purpose(
    key: str,
    *,
    title: Any,
    why: Any,
    data: Any,
    people: Any,
    basis: Any,
    special: Any = "",
    models: tuple[str, ...] = (),
    retention: tuple[str, ...] = (),
    kept: Any = "",
    order: int = 100,
) -> None:
    _PURPOSES[key] = Purpose(
        key, title, why, data, people, basis, special, models, retention, kept, order
    )


def purposes() -> list[Purpose]:
    return sorted(_PURPOSES.values(), key=lambda p: (p.order, p.key))


RIGHTS = (
    (
        gettext_lazy("See what we hold about you"),
        gettext_lazy(
            "Members can download everything from “My data” in their account; anyone "
            "can ask us by email or letter, and we answer within one month."
        ),
    ),
    (
        gettext_lazy("Have it corrected"),
        gettext_lazy(
            "Members can correct their details in their account; anyone can ask us."
        ),
    ),
    (
        gettext_lazy("Have it erased"),
        gettext_lazy(
            "Ask from “My data” in your account, or by email or letter. We keep only "
            "what the law makes us keep (a donation record, for example), and tell "
            "you what and why."
        ),
    ),
    (
        gettext_lazy("Object, or stop us contacting you"),
        gettext_lazy(
            "Every email has a link to stop it, and you can tell us at any time not "
            "to phone, text or write to you."
        ),
    ),
    (
        gettext_lazy("Restrict how we use it, or take it elsewhere"),
        gettext_lazy("Ask us by email or letter."),
    ),
    (
        gettext_lazy("Complain"),
        gettext_lazy(
            "To us first, please; you can always complain to the Information "
            "Commissioner's Office: ico.org.uk/make-a-complaint, 0303 123 1113."
        ),
    ),
)


def _model_names(labels: tuple[str, ...]) -> list[str]:
    names = []
    for label in labels:
        try:
            names.append(str(apps.get_model(label)._meta.verbose_name_plural))
        except LookupError:
            continue
    return names


def retention_table(constituency: Any) -> list[dict[str, str]]:
    return [
        {
            "kind": str(row.category.label),
            "period": row.period,
            "counted_from": str(row.category.counted_from),
            "then": str(row.category.then),
            "changed": row.changed,
        }
        for row in schedule(constituency)
    ]


def notice_context(constituency: Any) -> dict[str, Any]:
    return {
        "constituency": constituency,
        "purposes": purposes(),
        "retention": retention_table(constituency),
        "rights": RIGHTS,
        "updated": timezone.localdate(),
    }


# --- officers' documents ------------------------------------------------------------


def _registered_models() -> list[str]:
    """Every model the personal data register knows, as "app_label.Model"."""
    try:
        from partyhub.personal_data import registered_models
    except ImportError:  # the register is not there: fall back to the purposes
        return sorted({m for p in purposes() for m in p.models})
    labels = []
    for entry in registered_models():
        model = getattr(entry, "model", entry)
        if isinstance(model, str):
            labels.append(model)
        else:
            labels.append(model._meta.label)
    return sorted(set(labels))


def ropa_csv(constituency: Any) -> str:
    """The record of processing activities (UK GDPR art. 30) as a CSV: one row per
    purpose, then one row per registered model no purpose names yet."""
    periods = {row.category.key: row for row in schedule(constituency)}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Controller"),
            _("Processing"),
            _("Purpose"),
            _("Whose data"),
            _("Kinds of data"),
            _("Records"),
            _("Lawful basis (UK GDPR art. 6)"),
            _("Special category condition (art. 9, DPA 2018 sch. 1)"),
            _("How long it is kept"),
            _("Recipients"),
            _("Transfers outside the UK"),
            _("Security"),
        ]
    )
    covered: set[str] = set()
    security = _(
        "Officers see only their own constituency; two-factor login for officers; "
        "every export audited; encrypted connections."
    )
    for purpose in purposes():
        covered.update(purpose.models)
        kept = [str(purpose.kept)] if purpose.kept else []
        kept += [
            f"{periods[key].category.label}: {periods[key].period} "
            f"{periods[key].category.counted_from}"
            for key in purpose.retention
            if key in periods
        ]
        writer.writerow(
            [
                str(constituency),
                str(purpose.title),
                str(purpose.why),
                str(purpose.people),
                str(purpose.data),
                "; ".join(_model_names(purpose.models)),
                str(purpose.basis),
                str(purpose.special),
                "; ".join(kept),
                _("Officers of the constituency; the Labour Party nationally"),
                _("None"),
                security,
            ]
        )
    for label in _registered_models():
        if label in covered:
            continue
        writer.writerow(
            [
                str(constituency),
                _model_names((label,))[0] if _model_names((label,)) else label,
                _("Running the party's activities"),
                _("Members, supporters and contacts"),
                "",
                label,
                _("Legitimate interests"),
                "",
                "",
                _("Officers of the constituency"),
                _("None"),
                security,
            ]
        )
    return out.getvalue()


def policy_context(constituency: Any) -> dict[str, Any]:
    return {
        "constituency": constituency,
        "special": [p for p in purposes() if p.special],
        "retention": retention_table(constituency),
        "updated": timezone.localdate(),
    }
