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
