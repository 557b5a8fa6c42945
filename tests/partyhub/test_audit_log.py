"""The audit log is exact (issue 23.2): a closed list of event types, old and new
values of what an officer edits, those values shredded when the person is erased,
and every service that writes also audits."""

from __future__ import annotations

import ast
import pathlib

import pytest

from members.models import Membership
from members.services import membership_update
from partyhub.audit.actions import AuditAction, is_known
from partyhub.audit.models import AuditEntry
from partyhub.audit.services import audit_log
from tests import factories

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_audit_log_refuses_an_action_that_is_not_an_event_type(clp_a):
    with pytest.raises(ValueError, match="Unknown audit action 'team.renamed_it'"):
        audit_log(actor=None, action="team.renamed_it", constituency_id=clp_a.pk)
    # A model's own admin history is a family: the model must exist.
    assert is_known("team.change") and not is_known("teem.change")
    assert is_known(AuditAction.MEMBERSHIP_UPDATED)
    assert not AuditEntry.objects.exists()


def test_an_officers_edit_records_old_and_new_values(clp_a, officer_a):
    m = factories.MembershipFactory(
        person=factories.PersonFactory(constituency=clp_a), trade_union=""
    )
    membership_update(
        instance=m,
        changes={"status": Membership.Status.RESIGNED, "trade_union": "GMB"},
        actor=officer_a,
    )
    entry = AuditEntry.objects.get(action=AuditAction.MEMBERSHIP_UPDATED)
    assert entry.actor == officer_a
    assert entry.constituency_id == clp_a.pk
    changes = entry.detail["changes"]
    assert changes["status"] == {"old": "current", "new": "resigned"}
    assert changes["trade_union"] == {"old": "", "new": "GMB"}
    assert set(changes) == {"status", "trade_union", "status_since"}


def test_erasure_shreds_the_values_and_keeps_what_was_done(clp_a, officer_a):
    from partyhub.personal_data.core import ERASED, _audit_erase, _audit_rows

    person = factories.PersonFactory(constituency=clp_a)
    m = factories.MembershipFactory(person=person, trade_union="")
    membership_update(instance=m, changes={"trade_union": "Unite"}, actor=officer_a)
    other = factories.MembershipFactory(
        person=factories.PersonFactory(constituency=clp_a), trade_union=""
    )
    membership_update(instance=other, changes={"trade_union": "GMB"}, actor=officer_a)

    _audit_erase(_audit_rows(person), person)

    theirs = AuditEntry.objects.get(object_id=str(m.pk))
    assert theirs.action == "membership.updated"
    assert theirs.detail == {
        "erased": True,
        "changes": {"trade_union": {"old": ERASED, "new": ERASED}},
    }
    assert theirs.object_repr == ERASED
    # Someone else's entry keeps its values.
    kept = AuditEntry.objects.get(object_id=str(other.pk))
    assert kept.detail["changes"]["trade_union"] == {"old": "", "new": "GMB"}


# --- every service that writes also audits ---------------------------------------------

# Calls that write to the database.
WRITES = {
    "save", "create", "delete", "bulk_create", "bulk_update", "get_or_create",
    "update_or_create", "model_update",
}  # fmt: skip

# Services that write without an audit entry of their own, each with its reason.
# A new writing service either audits or is added here with a reason a reviewer
# accepts.
NOT_AUDITED = {
    "canvassing/services/walks.py:walks_pdf": (
        "writes a PDF in memory (Canvas.save); printing it is audited by walk_printed"
    ),
    "campaigns/services/common.py:reminders_about_cancel": "cancels queued reminders",
    "campaigns/services/phonebank.py:calls_reserve": "a caller's short hold on rows",
    "campaigns/services/phonebank.py:calls_release": "ends that hold",
    "campaigns/services/streetwatch.py:street_photo_clean": "strips a photo's metadata",
    "campaigns/services/teams.py:session_reminders_follow": "reschedules reminders",
    "campaigns/services/teams.py:sessions_generate": "the rota's nightly sessions",
    "governance/services.py:actions_chase": (
        "stamps when an action's owner was last reminded and queues the reminder"
    ),
    "governance/services.py:ballot_vote": (
        "a secret ballot: an entry per vote, beside the tally, could reveal it"
    ),
    "members/imports/services.py:membership_import_upload": (
        "stores the file; audited when checked and applied"
    ),
    "members/imports/services.py:membership_import_apply_request": (
        "queues the apply, which is audited"
    ),
    "members/services.py:membership_branches_follow": (
        "follows a move that its caller audits"
    ),
    "members/services.py:office_groups_sync": "permission groups, no person's data",
    "members/services.py:people_place_by_postcode": "after a postcode load (audited)",
    "members/services.py:people_replace_by_postcode": "after a postcode load (audited)",
    "members/services.py:person_for_public_form": (
        "a public form's person; the form's own service audits"
    ),
    "partyhub/accounts/services.py:account_claim_email_send": "sends a link",
    "partyhub/audit/services.py:audit_log": "the audit log itself",
    "partyhub/personal_data/services.py:data_requests_remind": "stamps a reminder sent",
    "supporters/services/import_runs.py:supporters_import_upload": (
        "stores the file; audited when checked and applied"
    ),
    "supporters/services/import_runs.py:supporters_import_check": (
        "a preview; the apply is audited"
    ),
    "supporters/services/import_runs.py:supporters_import_apply_request": (
        "queues the apply, which is audited"
    ),
}


def _service_functions():
    files = [
        p
        for p in ROOT.rglob("*.py")
        if ".venv" not in p.parts
        and "tests" not in p.parts
        and "bench" not in p.parts
        and "migrations" not in p.parts
        and (p.stem.endswith("services") or "services" in p.parts)
    ]
    found = {}
    for path in files:
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                found[f"{path.relative_to(ROOT)}:{node.name}"] = node
    return found


def _calls(node) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            names.add(
                func.attr
                if isinstance(func, ast.Attribute)
                else getattr(func, "id", "")
            )
    return names


def _writes(node) -> bool:
    """A call to a write method on something (a queryset's `.update(...)` counts
    when it has keyword arguments, which a dict's usually has not)."""
    for call in ast.walk(node):
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in WRITES or (name == "update" and call.keywords):
            return True
    return False


def test_every_service_that_writes_also_audits():
    functions = _service_functions()
    by_name: dict[str, list[str]] = {}
    for key in functions:
        by_name.setdefault(key.split(":")[1], []).append(key)
    memo: dict[str, bool] = {}

    def audits(key: str, seen: frozenset = frozenset()) -> bool:
        if key not in memo:
            calls = _calls(functions[key])
            memo[key] = "audit_log" in calls or any(
                audits(other, seen | {key})
                for name in calls
                for other in by_name.get(name, [])
                if other != key and other not in seen
            )
        return memo[key]

    writers = [
        key
        for key, node in functions.items()
        if not key.split(":")[1].startswith("_") and _writes(node)
    ]
    # The walk reaches the services that carry the rules (it cannot pass empty).
    assert "members/services.py:membership_update" in writers
    assert "campaigns/services/teams.py:team_update" in writers
    silent = sorted(k for k in writers if not audits(k) and k not in NOT_AUDITED)
    assert silent == []
    # An exemption for a service that now audits, or is gone, is dropped.
    stale = sorted(
        k for k in NOT_AUDITED if k not in functions or (audits(k) and k in writers)
    )
    assert stale == []
