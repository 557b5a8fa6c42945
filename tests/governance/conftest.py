import datetime

import pytest
from django.utils import timezone

from governance import services
from governance.models import Body, Rules
from tests import factories


def member(clp, *, weeks: int = 52, branch=None, user: bool = False, **kw):
    """A current member who joined `weeks` weeks ago."""
    if user:
        u = factories.UserFactory()
        person = factories.PersonFactory(constituency=clp, user=u, email=u.email, **kw)
    else:
        person = factories.PersonFactory(constituency=clp, **kw)
    factories.MembershipFactory(
        person=person,
        branch=branch,
        joined=timezone.localdate() - datetime.timedelta(weeks=weeks),
    )
    return person


def officer_person(user):
    return user.person


@pytest.fixture
def gc(clp_a):
    Rules.objects.create(constituency=clp_a, notice_days=7, good_standing_weeks=8)
    return Body.objects.create(
        constituency=clp_a,
        kind=Body.Kind.GC_ALL_MEMBER,
        name="General Committee",
        quorum_number=3,
    )


def call(body, actor, *, days: int = 14, title: str = "GC", **kw):
    starts = timezone.now() + datetime.timedelta(days=days)
    return services.meeting_call(
        body=body,
        title=title,
        starts=starts,
        ends=starts + datetime.timedelta(hours=2),
        venue="Community hall",
        actor=actor,
        **kw,
    )
