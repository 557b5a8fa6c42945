"""Changing the login address: the old one stays until the new one is verified."""

from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.urls import reverse


def test_email_change_waits_for_verification(client, member_a, mailoutbox):
    client.force_login(member_a)
    page = client.get(reverse("account_email"))
    assert page.status_code == 200
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "new@example.org"}
    )
    assert response.status_code == 302
    member_a.refresh_from_db()
    old = member_a.email
    assert old != "new@example.org"
    pending = EmailAddress.objects.get(email="new@example.org")
    assert not pending.verified
    assert any("new@example.org" in m.to for m in mailoutbox)
    assert "new@example.org" in client.get(reverse("account_email")).text

    key = EmailConfirmationHMAC(pending).key
    client.post(reverse("account_confirm_email", args=[key]))
    member_a.refresh_from_db()
    assert member_a.email == "new@example.org"
    assert list(
        EmailAddress.objects.filter(user=member_a).values_list("email", "verified")
    ) == [("new@example.org", True)]
