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

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partyhub.dataprotection.retention import schedule
from partyhub.exports import csv_cell


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


def _erase_text(entry: Any) -> str:
    action = entry.erase
    kind = getattr(action, "kind", "")
    if kind == "delete":
        return _("Deleted")
    if kind == "anonymise":
        return _("Anonymised (the row is kept for counts)")
    if kind == "keep":
        return _("Kept: %(why)s") % {"why": action.reason}
    return _("Erased (personal fields blanked)")


def _purpose_for(label: str) -> Purpose | None:
    app_label = label.split(".")[0]
    by_model = [p for p in purposes() if label in p.models]
    by_app = [
        p for p in purposes() if any(m.split(".")[0] == app_label for m in p.models)
    ]
    found = by_model or by_app
    return found[0] if found else None


def ropa_rows(constituency: Any) -> list[dict[str, str]]:
    """The record of processing activities (UK GDPR art. 30): one row per model in
    the register of personal data, with its purpose, basis and how long it is kept
    under this CLP's schedule."""
    from partyhub.personal_data import registered_models

    periods = {row.category.key: row for row in schedule(constituency)}
    security = _(
        "Officers see only their own constituency; two-factor login for officers; "
        "every export audited; encrypted connections."
    )
    rows = []
    for entry in sorted(registered_models(), key=lambda e: e.label):
        purpose = _purpose_for(entry.label)
        period = periods.get(entry.retention_category)
        if period is not None:
            kept = _("%(kind)s: %(period)s %(from)s; then %(then)s") % {
                "kind": period.category.label,
                "period": period.period,
                "from": period.category.counted_from,
                "then": period.category.then,
            }
        elif purpose is not None and purpose.kept:
            kept = str(purpose.kept)
        else:
            kept = _("While the person's record is kept; removed with it")
        rows.append(
            {
                _("Controller"): str(constituency),
                _("Record"): str(entry.describe),
                _("Model"): entry.label,
                _("Processing"): str(purpose.title) if purpose else "",
                _("Purpose"): str(purpose.why) if purpose else "",
                _("Whose data"): str(purpose.people) if purpose else "",
                _("Lawful basis (UK GDPR art. 6)"): str(purpose.basis)
                if purpose
                else _("Legitimate interests (art. 6(1)(f))"),
                _("Special category condition (art. 9, DPA 2018 sch. 1)"): str(
                    purpose.special
                )
                if purpose
                else "",
                _("Retention category"): entry.retention_category,
                _("How long it is kept"): kept,
                _("On erasure"): _erase_text(entry),
                _("Recipients"): _("Officers of the constituency"),
                _("Transfers outside the UK"): _("None"),
                _("Security"): security,
            }
        )
    return rows


def ropa_csv(constituency: Any) -> str:
    rows = ropa_rows(constituency)
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    return out.getvalue()


def policy_context(constituency: Any) -> dict[str, Any]:
    return {
        "constituency": constituency,
        "special": [p for p in purposes() if p.special],
        "retention": retention_table(constituency),
        "updated": timezone.localdate(),
    }
