"""The desk's demo data: mentors, mentored new members, contacts; idempotent."""

from django.urls import reverse

from members.desk.demo import seed_desk
from members.models import Constituency, ContactLog, Mentor, Mentorship


def test_seed_desk_fills_the_desk_and_report(seeded_demo, db, client, settings):
    settings.DEBUG = True
    clps = list(Constituency.objects.all())
    count = seed_desk(constituencies=clps)
    assert count > 0
    assert Mentor.objects.exists()
    assert Mentorship.objects.filter(first_contact_at__isnull=False).exists()
    totals = (
        Mentor.objects.count(),
        Mentorship.objects.count(),
        ContactLog.objects.count(),
    )
    seed_desk(constituencies=clps)
    assert (
        Mentor.objects.count(),
        Mentorship.objects.count(),
        ContactLog.objects.count(),
    ) == totals
    for mentor in Mentor.objects.all():
        assert mentor.mentorships.filter(status="active").count() <= mentor.capacity
    from partyhub.accounts.models import User

    client.force_login(User.objects.get(email="membership@hodgehill.example.org"))
    desk = client.get(reverse("admin:members_deskmembership_changelist"))
    assert desk.status_code == 200
    assert "New members (last 30 days)" in desk.text
    report = client.get(reverse("admin:members_deskmembership_report"))
    assert "No new members have been welcomed yet" not in report.text
