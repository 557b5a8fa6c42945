import datetime
from zoneinfo import ZoneInfo

import pytest

from campaigns.models import Session
from campaigns.services import sessions_generate

LONDON = ZoneInfo("Europe/London")


def _local_times(team):
    return [s.starts.astimezone(LONDON) for s in Session.objects.filter(team=team)]


@pytest.mark.parametrize(
    ("since", "until", "clocks_change"),
    [
        # The clocks go back on the last Sunday of October (25 Oct 2026)...
        (datetime.date(2026, 10, 10), datetime.date(2026, 11, 8), "back"),
        # ...and forward on the last Sunday of March (28 Mar 2027).
        (datetime.date(2027, 3, 13), datetime.date(2027, 4, 10), "forward"),
    ],
)
def test_rota_stays_at_ten_local_across_the_clocks_change(
    team, since, until, clocks_change
):
    team.weekday = 6  # Sunday: a session on the very day the clocks change
    team.save()
    sessions_generate(team=team, since=since, until=until)

    local = _local_times(team)
    assert len(local) >= 4
    assert {(t.hour, t.minute) for t in local} == {(10, 0)}
    assert {t.weekday() for t in local} == {6}
    # Both UTC offsets occur: the generator really crossed the change.
    assert {t.utcoffset() for t in local} == {
        datetime.timedelta(hours=1),
        datetime.timedelta(0),
    }
    sessions = Session.objects.filter(team=team)
    assert all(s.ends - s.starts == datetime.timedelta(hours=1) for s in sessions)


def test_saturday_team_across_october_change_meets_at_ten(team):
    sessions_generate(
        team=team, since=datetime.date(2026, 10, 17), until=datetime.date(2026, 11, 1)
    )
    assert [(t.date(), t.hour) for t in _local_times(team)] == [
        (datetime.date(2026, 10, 17), 10),
        (datetime.date(2026, 10, 24), 10),
        (datetime.date(2026, 10, 31), 10),
    ]


def test_generation_is_idempotent(team):
    window = {"since": datetime.date(2026, 10, 1), "until": datetime.date(2026, 12, 1)}
    first = sessions_generate(team=team, **window)
    second = sessions_generate(team=team, **window)

    assert len(first) == 9
    assert second == []
    assert Session.objects.filter(team=team).count() == 9


def test_fortnightly_rota_counts_from_its_first_date(team):
    team.every_weeks = 2
    team.rota_starts = datetime.date(2026, 10, 3)
    team.save()
    sessions_generate(
        team=team, since=datetime.date(2026, 10, 10), until=datetime.date(2026, 11, 1)
    )
    assert [t.date() for t in _local_times(team)] == [
        datetime.date(2026, 10, 17),
        datetime.date(2026, 10, 31),
    ]


def test_team_without_rota_generates_nothing(team):
    team.weekday = None
    team.save()
    assert sessions_generate(team=team, until=datetime.date(2027, 1, 1)) == []


def test_fortnightly_rota_keeps_its_weeks_whatever_day_the_run_starts(team):
    team.every_weeks = 2
    team.save()
    sessions_generate(
        team=team, since=datetime.date(2026, 10, 1), until=datetime.date(2026, 11, 1)
    )
    sessions_generate(
        team=team, since=datetime.date(2026, 10, 8), until=datetime.date(2026, 11, 15)
    )
    dates = [t.date() for t in _local_times(team)]
    assert all((b - a).days == 14 for a, b in zip(dates, dates[1:], strict=False))
    assert len(dates) == 3


def test_nightly_task_fills_eight_weeks_and_twice_adds_nothing(team):
    from django_celery_beat.models import PeriodicTask

    from campaigns.tasks import generate_sessions

    first = generate_sessions.apply().get()
    assert first in (8, 9)  # 9 when today is the team's day
    assert generate_sessions.apply().get() == 0
    assert Session.objects.filter(team=team).count() == first
    assert PeriodicTask.objects.filter(
        task="campaigns.tasks.generate_sessions"
    ).exists()
