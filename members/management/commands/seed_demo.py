"""Fill the database with the demo: `manage.py seed_demo`.

Two constituencies from the report (Birmingham Hodge Hill and Reading West), their
wards, branches and postcode lookup, a few hundred fictional people and members,
officers with logins, and a regional organiser. Safe to run again: it creates
nothing twice and puts changed demo data back.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from members.demo.seed import DemoSummary, seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo constituencies, people, members and officer logins "
        "(idempotent). Every demo login shares one published password, so this "
        "runs only with DEBUG on unless --force is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (a throwaway staging database only).",
        )

    def handle(self, *args, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates a superuser and officer logins with a published "
                "password. It runs only with DEBUG=1, or with --force on a "
                "throwaway database. Nothing was changed."
            )
        started = time.monotonic()
        summary = seed_demo()
        self._print(summary, time.monotonic() - started)

    def _print(self, summary: DemoSummary, seconds: float) -> None:
        out = self.stdout
        statuses = ", ".join(f"{n} {s}" for s, n in summary.memberships.items())
        loaded = (
            f"{summary.postcodes_loaded} loaded now"
            if summary.postcodes_loaded is not None
            else "already loaded"
        )
        out.write(self.style.SUCCESS(f"Demo data ready in {seconds:.1f}s:"))
        out.write(
            f"  {summary.constituencies} constituencies, {summary.wards} wards, "
            f"{summary.branches} branches"
        )
        out.write(f"  {summary.postcodes} postcodes in the lookup ({loaded})")
        out.write(
            f"  {summary.people} people ({summary.people_without_email} without "
            f"email, {summary.people_unplaced} with a postcode the lookup lacks)"
        )
        out.write(f"  {sum(summary.memberships.values())} memberships: {statuses}")
        out.write(
            f"  {summary.offices} offices held, {summary.representatives} elected "
            "representatives"
        )

        site = settings.SITE_URL.rstrip("/")
        out.write("")
        out.write(f"Site:   {site}/")
        out.write(f"Admin:  {site}{reverse('admin:index')}")
        out.write(f"Log in: {site}{reverse('account_login')}")
        out.write(f"Every demo login's password: {summary.password}")
        out.write(
            "Officers' two-factor key (any authenticator app, time-based): "
            f"{summary.totp_secret}"
        )
        out.write("")
        width = max(len(login.email) for login in summary.logins)
        name_width = max(len(login.name) for login in summary.logins)
        out.write(f"  {'Login':<{width}}  {'Name':<{name_width}}  Access")
        out.write(f"  {'-' * width}  {'-' * name_width}  {'-' * 40}")
        for login in summary.logins:
            out.write(
                f"  {login.email:<{width}}  {login.name:<{name_width}}  {login.access}"
            )
