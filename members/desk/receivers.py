"""Listening to members' signals: welcome new joiners, remind those in arrears."""

from __future__ import annotations

from members import signals


def _joined(sender, person_ids, **kwargs) -> None:
    from members.desk.services import new_joiners_welcome

    new_joiners_welcome(person_ids=person_ids)


def _arrears(sender, membership_ids, **kwargs) -> None:
    from members.desk.services import arrears_reminders_schedule

    arrears_reminders_schedule(membership_ids=membership_ids)


def connect() -> None:
    signals.members_joined.connect(_joined, dispatch_uid="members.desk.welcome")
    signals.members_fell_into_arrears.connect(
        _arrears, dispatch_uid="members.desk.arrears"
    )
