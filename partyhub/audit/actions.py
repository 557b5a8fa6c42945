"""The audit log's event types: every `action` an entry can have.

`audit_log` refuses an action that is not here (or in one of the FAMILIES below),
so the log is a closed list officers and the finance books can rely on, not free
text. A new kind of write adds its member here, named `<thing>.<what happened>`.
"""

from __future__ import annotations

import re

from django.db import models


class AuditAction(models.TextChoices):
    ACADEMY_GRADUATED = "academy.graduated", "Academy: graduated"
    ACADEMY_PORTFOLIO_COMPLETE = (
        "academy.portfolio_complete",
        "Academy: portfolio complete",
    )
    ACCOUNT_ADMIN_ACCESS_ENDED = (
        "account.admin_access_ended",
        "Account: admin access ended",
    )
    ACCOUNT_CLAIM = "account.claim", "Account: claim"
    APPOINTMENT_SAVED = "appointment.saved", "Appointment: saved"
    ASK_CREATED = "ask.created", "Ask: created"
    ASK_PRINT_LIST = "ask.print_list", "Ask: print list"
    ASK_SEND = "ask.send", "Ask: send"
    ASKREPLY_DELETED = "askreply.deleted", "Askreply: deleted"
    ASKREPLY_RECORD = "askreply.record", "Askreply: record"
    CALL_OUTCOME = "call.outcome", "Call: outcome"
    CALL_LIST_BUILD = "call_list.build", "Call list: build"
    CALLLIST_CREATED = "calllist.created", "Calllist: created"
    CANDIDATE_EXPRESS_INTEREST = (
        "candidate.express_interest",
        "Candidate: express interest",
    )
    CASESTUDY_CREATED = "casestudy.created", "Casestudy: created"
    COMMENT_CREATE = "comment.create", "Comment: create"
    CONSULTATION_EXPORT = "consultation.export", "Consultation: export"
    CONSULTATION_SUBMIT = "consultation.submit", "Consultation: submit"
    CONTACTLOG_BULK_CREATE = "contactlog.bulk_create", "Contactlog: bulk create"
    CONTACTLOG_CREATE = "contactlog.create", "Contactlog: create"
    DASHBOARD_CHART_EXPORT = "dashboard.chart_export", "Dashboard: chart export"
    DESK_EMAIL = "desk.email", "Desk: email"
    DIGEST_SUBSCRIBE = "digest.subscribe", "Digest: subscribe"
    DIGEST_UNSUBSCRIBE = "digest.unsubscribe", "Digest: unsubscribe"
    EVENT_ATTENDANCE_REMOVED = "event.attendance_removed", "Event: attendance removed"
    EVENT_ATTENDED = "event.attended", "Event: attended"
    EVENT_BADGES_PRINTED = "event.badges_printed", "Event: badges printed"
    EVENT_BOOKING_CANCELLED = "event.booking_cancelled", "Event: booking cancelled"
    EVENT_BOOKING_DELETED = "event.booking_deleted", "Event: booking deleted"
    EVENT_BOOKING_PROMOTED = "event.booking_promoted", "Event: booking promoted"
    EVENT_BOOKING_UPDATED = "event.booking_updated", "Event: booking updated"
    EVENT_CANCELLED = "event.cancelled", "Event: cancelled"
    EVENT_CONSULTATION_REPORT_SENT = (
        "event.consultation_report_sent",
        "Event: consultation report sent",
    )
    EVENT_CREATED = "event.created", "Event: created"
    EVENT_FEED_RESET = "event.feed_reset", "Event: feed reset"
    EVENT_FEEDBACK_RECORDED = "event.feedback_recorded", "Event: feedback recorded"
    EVENT_INVITATIONS_SENT = "event.invitations_sent", "Event: invitations sent"
    EVENT_ORGANISATIONS_INVITED = (
        "event.organisations_invited",
        "Event: organisations invited",
    )
    EVENT_PUBLISHED = "event.published", "Event: published"
    EVENT_RSVP = "event.rsvp", "Event: rsvp"
    EVENT_UPDATED = "event.updated", "Event: updated"
    EVENT_WALK_IN = "event.walk_in", "Event: walk in"
    FORUMINVITATION_CREATE = "foruminvitation.create", "Foruminvitation: create"
    FORUMMEMBERSHIP_CREATE = "forummembership.create", "Forummembership: create"
    FORUMMEMBERSHIP_DELETE = "forummembership.delete", "Forummembership: delete"
    KEEPASFORMERMEMBER_CREATED = (
        "keepasformermember.created",
        "Keepasformermember: created",
    )
    MEMBERSHIP_CREATED = "membership.created", "Membership: created"
    MEMBERSHIP_DELETED = "membership.deleted", "Membership: deleted"
    MEMBERSHIP_IMPORT_APPLY = "membership.import_apply", "Membership: import apply"
    MEMBERSHIP_IMPORT_FAILED = "membership.import_failed", "Membership: import failed"
    MEMBERSHIP_IMPORT_PREVIEW = (
        "membership.import_preview",
        "Membership: import preview",
    )
    MEMBERSHIP_UPDATED = "membership.updated", "Membership: updated"
    MEMBERS_CANDIDATE_SELECTED = (
        "members.candidate_selected",
        "Members: candidate selected",
    )
    MEMBERS_OFFICE_ENDED = "members.office_ended", "Members: office ended"
    MEMBERS_OFFICE_STARTED = "members.office_started", "Members: office started"
    MENTORSHIP_ASSIGN = "mentorship.assign", "Mentorship: assign"
    MENTORSHIP_CREATE = "mentorship.create", "Mentorship: create"
    MESSAGE_CANCEL = "message.cancel", "Message: cancel"
    MESSAGE_CREATED = "message.created", "Message: created"
    MESSAGE_RETRY_FAILED = "message.retry_failed", "Message: retry failed"
    MESSAGE_SCHEDULE = "message.schedule", "Message: schedule"
    MESSAGE_TEST_SEND = "message.test_send", "Message: test send"
    NETWORKINVITATION_CREATE = "networkinvitation.create", "Networkinvitation: create"
    NETWORKMEMBERSHIP_APPROVE = (
        "networkmembership.approve",
        "Networkmembership: approve",
    )
    NETWORKMEMBERSHIP_DIGEST = "networkmembership.digest", "Networkmembership: digest"
    NETWORKMEMBERSHIP_JOIN = "networkmembership.join", "Networkmembership: join"
    NETWORKMEMBERSHIP_LEAVE = "networkmembership.leave", "Networkmembership: leave"
    ORGANISATIONMAILING_CREATED = (
        "organisationmailing.created",
        "Organisationmailing: created",
    )
    ORGANISATIONMAILING_SEND = "organisationmailing.send", "Organisationmailing: send"
    PERSON_ACCESS_REQUESTED = "person.access_requested", "Person: access requested"
    PERSON_CREATED = "person.created", "Person: created"
    PERSON_DATA_EXPORT = "person.data_export", "Person: data export"
    PERSON_DATA_EXPORT_REQUESTED = (
        "person.data_export_requested",
        "Person: data export requested",
    )
    PERSON_DATA_REQUEST_EXTENDED = (
        "person.data_request_extended",
        "Person: data request extended",
    )
    PERSON_DATA_REQUEST_HANDLED = (
        "person.data_request_handled",
        "Person: data request handled",
    )
    PERSON_DATA_REQUEST_NOTED = (
        "person.data_request_noted",
        "Person: data request noted",
    )
    PERSON_ERASED = "person.erased", "Person: erased"
    PERSON_ERASURE_APPROVED = "person.erasure_approved", "Person: erasure approved"
    PERSON_ERASURE_REQUESTED = "person.erasure_requested", "Person: erasure requested"
    PERSON_LABELS = "person.labels", "Person: labels"
    PERSON_MAIL_MERGE = "person.mail_merge", "Person: mail merge"
    PERSON_MERGED = "person.merged", "Person: merged"
    PERSON_SUPPRESSION_REMOVED = (
        "person.suppression_removed",
        "Person: suppression removed",
    )
    PERSON_UPDATE_OWN = "person.update_own", "Person: update own"
    PERSON_UPDATED = "person.updated", "Person: updated"
    PERSONINTEREST_ADD = "personinterest.add", "Personinterest: add"
    PERSONINTEREST_CREATED = "personinterest.created", "Personinterest: created"
    PERSONINTEREST_DELETE = "personinterest.delete", "Personinterest: delete"
    PETITION_EXPORT = "petition.export", "Petition: export"
    PETITION_PAPER_SIGNATURES_ADD = (
        "petition.paper_signatures_add",
        "Petition: paper signatures add",
    )
    PETITION_SIGN = "petition.sign", "Petition: sign"
    POST_CREATE = "post.create", "Post: create"
    POST_EDIT = "post.edit", "Post: edit"
    POST_HIDE = "post.hide", "Post: hide"
    POST_SHOW = "post.show", "Post: show"
    POSTCODE_LOAD = "postcode.load", "Postcode: load"
    PRIVACY_POLICY_DOWNLOAD = "privacy.policy_download", "Privacy: policy download"
    PRIVACY_ROPA_DOWNLOAD = "privacy.ropa_download", "Privacy: ropa download"
    PRIZEDRAW_DRAW = "prizedraw.draw", "Prizedraw: draw"
    RETENTION_RUN = "retention.run", "Retention: run"
    RETENTION_SCHEDULE_CHANGE = (
        "retention.schedule_change",
        "Retention: schedule change",
    )
    SEGMENT_CREATED = "segment.created", "Segment: created"
    SESSION_CREATED = "session.created", "Session: created"
    SESSION_DELETED = "session.deleted", "Session: deleted"
    SESSION_OUTPUT_RECORD = "session.output_record", "Session: output record"
    SESSION_SIGNUP = "session.signup", "Session: signup"
    SESSION_UPDATED = "session.updated", "Session: updated"
    STREET_REPORT_CREATE = "street_report.create", "Street report: create"
    STREET_REPORT_FORWARD = "street_report.forward", "Street report: forward"
    STREET_REPORT_RESOLVE = "street_report.resolve", "Street report: resolve"
    STREETREPORT_UPDATED = "streetreport.updated", "Streetreport: updated"
    SUBMISSION_SAVE = "submission.save", "Submission: save"
    SUBMISSION_SUBMIT = "submission.submit", "Submission: submit"
    SUPPORTER_CONFIRM = "supporter.confirm", "Supporter: confirm"
    SUPPORTER_IMPORT = "supporter.import", "Supporter: import"
    SUPPORTER_LEAVE = "supporter.leave", "Supporter: leave"
    SUPPORTERS_SIGNUP_REQUESTS_PURGE = (
        "supporters.signup_requests_purge",
        "Supporters: signup requests purge",
    )
    SURVEY_RESPOND = "survey.respond", "Survey: respond"
    TEAM_CREATED = "team.created", "Team: created"
    TEAM_JOIN = "team.join", "Team: join"
    TEAM_LEAVE = "team.leave", "Team: leave"
    TEAM_ROTA_REPLAN = "team.rota_replan", "Team: rota replan"
    TEAM_UPDATED = "team.updated", "Team: updated"
    THREAD_CREATE = "thread.create", "Thread: create"
    TPS_UPLOAD = "tps.upload", "Tps: upload"
    TRANSFER_ACCEPT = "transfer.accept", "Transfer: accept"
    TRANSFER_DECLINE = "transfer.decline", "Transfer: decline"
    TRANSFER_REQUEST = "transfer.request", "Transfer: request"
    TRANSFER_WITHDRAW = "transfer.withdraw", "Transfer: withdraw"
    WORKER_CHECK = "worker.check", "Worker: check"


# Actions named after a model or a report rather than listed one by one: the
# admin's own history of an add, change or delete (partyhub.scoping), a CSV
# export of a list (partyhub.exports) and a dashboard report's download. The
# model must exist: a typo is still refused.
ADMIN_VERBS = ("create", "change", "delete", "bulk_delete", "export")
_FAMILY = re.compile(r"^([a-z_]+)\.(create|change|delete|bulk_delete|export)$")
_REPORT = re.compile(r"^report\.[a-z_-]+\.export$")


def _model_names() -> set[str]:
    from django.apps import apps

    return {m._meta.model_name or "" for m in apps.get_models()}


# Apps that came later keep their event types beside their code: a TextChoices in
# `<app>/audit.py`, registered from the app's `AppConfig.ready()` with
# `register_actions(...)` (governance, finance, canvassing).
_REGISTERED: dict[str, str] = {}


def register_actions(choices: type[models.TextChoices]) -> None:
    """Add an app's own event types (a TextChoices of `"<thing>.<what>"` values)."""
    for value, label in choices.choices:
        clash = _REGISTERED.get(value)
        if value in AuditAction.values or (clash is not None and clash != label):
            raise ValueError(f"Audit action {value!r} is registered twice.")
        _REGISTERED[value] = str(label)


def registered_actions() -> dict[str, str]:
    """Every event type an app registered, with its label."""
    return dict(_REGISTERED)


def is_known(action: str) -> bool:
    """Whether `action` is one of the audit log's event types."""
    if action in AuditAction.values or action in _REGISTERED:
        return True
    if _REPORT.match(action):
        return True
    found = _FAMILY.match(action)
    return bool(found and found.group(1) in _model_names())
