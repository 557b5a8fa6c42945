"""Listening to members' signals: welcome new joiners, remind those in arrears."""

from __future__ import annotations

import logging

from members import signals

log = logging.getLogger(__name__)

# The signals are sent after an import (or an officer's edit) has committed: a
# failure here must not turn that page into an error, so it is logged instead.


def _joined(sender, person_ids, **kwargs) -> None:
    from members.desk.services import new_joiners_welcome

    try:
        new_joiners_welcome(person_ids=person_ids)
    except Exception:
        log.exception("Welcoming new members failed: %s", list(person_ids)[:20])


def _arrears(sender, membership_ids, **kwargs) -> None:
    from members.desk.services import arrears_reminders_schedule

    try:
        arrears_reminders_schedule(membership_ids=membership_ids)
    except Exception:
        log.exception("Arrears reminders failed: %s", list(membership_ids)[:20])


def connect() -> None:
    signals.members_joined.connect(_joined, dispatch_uid="members.desk.welcome")
    signals.members_fell_into_arrears.connect(
        _arrears, dispatch_uid="members.desk.arrears"
    )
