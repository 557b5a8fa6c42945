import pytest
from django.utils import timezone

from governance.demo import seed_demo_app
from governance.models import Election, Meeting, Minutes, Motion
from tests.governance.conftest import member


@pytest.mark.django_db
def test_demo_is_idempotent(clp_a):
    for _ in range(10):
        member(clp_a)
    today = timezone.localdate()
    seed_demo_app(constituencies=[clp_a], today=today)
    seed_demo_app(constituencies=[clp_a], today=today)
    assert Meeting.objects.count() == 2
    assert Motion.objects.count() == 2
    assert Minutes.objects.get().status == Minutes.Status.CIRCULATED
    assert Election.objects.count() == 1
    coming = Meeting.objects.get(event__title="General Committee (next)")
    assert coming.items.filter(kind="minutes").count() == 1
