"""Issue 16 item 7: after claiming an account the member lands on /me/ once, with
one welcome message; account mail comes from their constituency party by name."""

from django.urls import reverse

from tests.accounts.conftest import NEW_PASSWORD, _claim, _link, _path


def test_claiming_lands_on_me_with_one_welcome(
    client,
    alice,  # noqa: F811
    mailoutbox,
    eager_tasks,
    django_capture_on_commit_callbacks,
    settings,  # noqa: F811
):
    settings.DEFAULT_FROM_EMAIL = "partyhub <noreply@party.example>"
    with django_capture_on_commit_callbacks(execute=True):
        _claim(client, "alice@example.org")
    (mail,) = mailoutbox
    assert mail.from_email == "Hodge Hill Labour <noreply@party.example>"
    link = _path(_link(mail))
    response = client.post(
        link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    page = response.text
    assert (
        page.count("Welcome, Alice: your account is ready and you are logged in.") == 1
    )
    assert "Successfully signed in" not in page
    assert len(list(response.context["messages"])) == 1
    again = client.get(reverse("portal:home")).text
    assert "your account is ready" not in again  # once


def test_password_reset_mail_comes_from_the_constituency(
    client, member_a, mailoutbox, settings
):
    settings.DEFAULT_FROM_EMAIL = "partyhub <noreply@party.example>"
    client.post(reverse("account_reset_password"), {"email": member_a.email})
    (mail,) = mailoutbox
    assert mail.from_email == "Hodge Hill Labour <noreply@party.example>"
