"""The public pages and the account pages: what a visitor sees, on our layout,
under the strict Content-Security-Policy (no inline script, style or handler)."""

import json
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests import factories

# <script type=...> values a browser executes; anything else (JSON data) is inert.
_EXECUTABLE_SCRIPT_TYPES = {
    "",
    "text/javascript",
    "application/javascript",
    "module",
}
_URL_ATTRIBUTES = ("href", "src", "action", "formaction")


class _PageParser(HTMLParser):
    """Collects what the CSP would block and what the tests look for."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.assets: list[str] = []
        self.labels: dict[str, str] = {}
        self.elements: list[tuple[str, dict[str, str]]] = []
        self._label_for: str | None = None
        self._label_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.elements.append((tag, values))
        where = self.getpos()
        for name, value in values.items():
            if name == "style":
                self.problems.append(f"style attribute on <{tag}> at {where}")
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}> at {where}")
            if name in _URL_ATTRIBUTES and value.strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: URL on <{tag}> at {where}")
        if tag == "style":
            self.problems.append(f"<style> block at {where}")
        if tag == "script":
            if "src" in values:
                self.assets.append(values["src"])
            elif values.get("type", "").lower() in _EXECUTABLE_SCRIPT_TYPES:
                self.problems.append(f"inline <script> at {where}")
        if tag == "link" and "stylesheet" in values.get("rel", "").split():
            self.assets.append(values.get("href", ""))
        if tag == "label":
            self._label_for = values.get("for")
            self._label_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label_for:
            self.labels[self._label_for] = " ".join("".join(self._label_text).split())
            self._label_for = None

    def handle_data(self, data: str) -> None:
        if self._label_for is not None:
            self._label_text.append(data)

    def find(self, tag: str, **attrs: str) -> dict[str, str] | None:
        for found_tag, values in self.elements:
            if found_tag == tag and all(values.get(k) == v for k, v in attrs.items()):
                return values
        return None


def parse(response) -> _PageParser:
    parser = _PageParser()
    parser.feed(response.content.decode())
    parser.close()
    return parser


def assert_policy_clean(response) -> None:
    """Nothing on the page that the CSP would block, nothing from another site."""
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    parser = parse(response)
    assert parser.problems == []
    assert parser.assets, "the page loads our stylesheets and scripts"
    for url in parser.assets:
        assert url.startswith(settings.STATIC_URL), f"{url} is not served by us"
        assert finders.find(url.removeprefix(settings.STATIC_URL)), f"{url} missing"


@pytest.fixture
def described_clp(clp_a):
    clp_a.description = "We meet every Saturday.\n\nMembers and supporters welcome."
    clp_a.contact_email = "secretary@hodgehill.example"
    clp_a.postal_address = "12 Washwood Heath Road\nBirmingham B8 1AA"
    clp_a.save()
    return clp_a


def test_home_lists_constituency_parties(client, clp_a, clp_b):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Hodge Hill" in page
    assert "Reading West" in page
    assert f'href="{reverse("members:constituency", args=["hodge-hill"])}"' in page
    assert f'href="{reverse("members:constituency", args=["reading-west"])}"' in page


def test_home_without_constituencies_says_so(client, db):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "No constituency parties are listed yet." in response.content.decode()


def test_constituency_page_shows_name_description_and_contact(client, described_clp):
    response = client.get(reverse("members:constituency", args=["hodge-hill"]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1" in page and "Hodge Hill</h1>" in page
    assert "<p>We meet every Saturday.</p>" in page
    assert "<p>Members and supporters welcome.</p>" in page
    assert 'href="mailto:secretary@hodgehill.example"' in page
    assert "12 Washwood Heath Road<br>Birmingham B8 1AA" in page


def test_constituency_page_without_contact_details_says_so(client, clp_b):
    clp_b.postal_address = ""
    clp_b.save()

    response = client.get(reverse("members:constituency", args=["reading-west"]))

    assert response.status_code == 200
    assert "Contact details will appear here soon." in response.content.decode()


def test_unknown_constituency_is_404(client, db):
    response = client.get(reverse("members:constituency", args=["atlantis"]))

    assert response.status_code == 404


def test_login_page_has_our_navbar_and_a_labelled_email_field(client, db):
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    parser = parse(response)
    page = response.content.decode()
    assert 'class="navbar-brand fw-bold" href="/">partyhub</a>' in page
    assert parser.find("main", id="content") is not None
    email = parser.find("input", id="id_login")
    assert email is not None and email["type"] == "email"
    assert "form-control" in email["class"].split()
    assert parser.labels["id_login"].startswith("Email")
    password = parser.find("input", id="id_password")
    assert password is not None and "form-control" in password["class"].split()
    # Signup is closed, so the page does not send people to it.
    assert reverse("account_signup") not in page


def test_login_error_is_shown_next_to_the_field(client, db):
    response = client.post(reverse("account_login"), {"login": "", "password": "x"})

    assert response.status_code == 200
    parser = parse(response)
    email = parser.find("input", id="id_login")
    assert "is-invalid" in email["class"].split()
    assert email["aria-invalid"] == "true"
    error = parser.find("div", id=email["aria-describedby"])
    assert error is not None and "invalid-feedback" in error["class"]
    assert "This field is required." in response.content.decode()


def test_wrong_password_is_reported_as_an_alert(client, member_a):
    response = client.post(
        reverse("account_login"), {"login": member_a.email, "password": "wrong"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "not correct" in page


def test_logged_out_visitor_sees_log_in(client, db):
    response = client.get(reverse("home"))

    page = response.content.decode()
    assert f'href="{reverse("account_login")}"' in page
    assert "Log out" not in page
    assert reverse("admin:index") not in page


def test_member_sees_log_out_form_but_no_admin_link(client, member_a):
    client.force_login(member_a)

    response = client.get(reverse("home"))

    parser = parse(response)
    logout = parser.find("form", action=reverse("account_logout"))
    assert logout is not None and logout["method"] == "post"
    assert "Log out" in response.content.decode()
    assert parser.find("a", href=reverse("admin:index")) is None


def test_officer_sees_admin_link(client, officer_a):
    client.force_login(officer_a)

    response = client.get(reverse("home"))

    assert parse(response).find("a", href=reverse("admin:index")) is not None


def test_successful_login_shows_a_message_as_an_alert(client, member_a):
    response = client.post(
        reverse("account_login"),
        {"login": member_a.email, "password": factories.PASSWORD},
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page
    assert f"Successfully signed in as {member_a.email}" in page


def test_log_out_from_the_navbar(client, member_a):
    client.force_login(member_a)

    response = client.post(reverse("account_logout"), follow=True)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert f'href="{reverse("account_login")}"' in response.content.decode()


def test_signup_is_closed_politely(client, db):
    response = client.get(reverse("account_signup"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "No new accounts here" in page
    assert f'href="{reverse("home")}"' in page


def test_language_switcher_changes_the_page_language(client, db):
    assert '<html lang="en-gb">' in client.get(reverse("home")).content.decode()

    response = client.post(
        reverse("set_language"), {"language": "cy", "next": reverse("home")}
    )
    assert response.status_code == 302

    assert '<html lang="cy">' in client.get(reverse("home")).content.decode()


def test_htmx_is_told_not_to_inject_styles(client, db):
    parser = parse(client.get(reverse("home")))

    meta = parser.find("meta", name="htmx-config")
    assert meta is not None
    assert json.loads(meta["content"])["includeIndicatorStyles"] is False


@pytest.mark.parametrize(
    ("url_name", "args"),
    [
        ("home", []),
        ("members:constituency", ["hodge-hill"]),
        ("account_login", []),
        ("account_reset_password", []),
        ("account_signup", []),
    ],
)
def test_public_pages_obey_the_content_security_policy(
    client, described_clp, clp_b, url_name, args
):
    response = client.get(reverse(url_name, args=args))

    assert response.status_code == 200
    assert_policy_clean(response)


def test_unknown_constituency_page_carries_the_policy(client, db):
    response = client.get(reverse("members:constituency", args=["atlantis"]))

    assert response.status_code == 404
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY


def test_login_page_with_errors_obeys_the_content_security_policy(client, db):
    response = client.post(reverse("account_login"), {"login": "", "password": ""})

    assert response.status_code == 200
    assert_policy_clean(response)


@pytest.mark.parametrize(
    "url_name", ["home", "account_logout", "account_email", "account_change_password"]
)
def test_account_pages_obey_the_content_security_policy(client, member_a, url_name):
    client.force_login(member_a)

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert_policy_clean(response)


def test_policy_checker_catches_inline_code():
    parser = _PageParser()
    parser.feed(
        '<div style="color:red"><button onclick="x()">x</button></div>'
        "<script>alert(1)</script><style>p{}</style>"
        '<script type="application/json">{}</script><a href="javascript:x()">x</a>'
    )

    assert len(parser.problems) == 5


def test_member_without_office_sees_a_plain_403_page(client, member_a):
    client.force_login(member_a)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 403
    assert "officers holding an office today" in response.text
    assert "Go to the home page" in response.text


def test_missing_page_is_a_friendly_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "find that page" in response.text
