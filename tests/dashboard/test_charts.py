"""The home page's charts: exact figures for a known set of joins and lapses."""

import datetime

import pytest

from dashboard import charts
from members.models import Membership
from tests import factories

Status = Membership.Status
TODAY = datetime.date(2026, 12, 2)


def _member(clp, joined, **kw):
    person = factories.PersonFactory(constituency=clp)
    return factories.MembershipFactory(person=person, joined=joined, **kw)


@pytest.fixture
def history(clp_a, clp_b):
    d = datetime.date
    _member(clp_a, d(2026, 11, 3))
    _member(clp_a, d(2026, 11, 28))
    _member(clp_a, d(2026, 10, 1))
    _member(clp_a, d(2025, 1, 10), status=Status.LAPSED, status_since=d(2026, 11, 15))
    _member(clp_a, d(2025, 2, 10), status=Status.RESIGNED, status_since=d(2026, 10, 20))
    _member(clp_a, d(2020, 5, 1), rejoined_on=d(2026, 11, 20))
    _member(clp_a, d(2025, 2, 1), status=Status.ARREARS, status_since=d(2026, 9, 1))
    # Too old to count, and another constituency's joiner.
    _member(clp_a, d(2023, 1, 5))
    _member(clp_b, d(2026, 11, 4))


def test_members_by_month_is_exact(history, clp_a):
    chart = charts.members_by_month(frozenset({clp_a.pk}), TODAY)
    assert len(chart.labels) == 24
    assert chart.labels[0] == "2025-01" and chart.labels[-1] == "2026-12"
    table = {row[0]: row[1:] for row in chart.rows}
    # joined, rejoined, lapsed or resigned, net
    assert table["2026-11"] == [2, 1, 1, 2]
    assert table["2026-10"] == [1, 0, 1, 0]
    assert table["2025-01"] == [1, 0, 0, 1]
    assert table["2025-02"] == [2, 0, 0, 2]
    assert table["2026-12"] == [0, 0, 0, 0]
    assert sum(row[1] for row in chart.rows) == 6


def test_retention_by_quarter_is_exact(history, clp_a):
    chart = charts.retention_by_quarter(frozenset({clp_a.pk}), TODAY)
    assert chart.labels == [
        "2025 Q1", "2025 Q2", "2025 Q3", "2025 Q4",
        "2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4",
    ]  # fmt: skip
    table = {row[0]: row[1:] for row in chart.rows}
    # 2025 Q1: three joined (one lapsed, one resigned, one in arrears).
    assert table["2025 Q1"] == [3, 1, 33]
    assert table["2026 Q4"] == [3, 3, 100]
    assert table["2025 Q2"] == [0, 0, ""]


def test_superuser_chart_counts_every_constituency(history):
    chart = charts.members_by_month(None, TODAY)
    table = {row[0]: row[1:] for row in chart.rows}
    assert table["2026-11"][0] == 3


def test_svg_geometry_keeps_bars_inside_the_picture(history, clp_a):
    chart = charts.members_by_month(frozenset({clp_a.pk}), TODAY)
    assert len(chart.bars) == 24 * 4
    for bar in chart.bars:
        assert 0 <= bar.y and bar.y + bar.height <= chart.height
        assert chart.left <= bar.x <= chart.right_edge
