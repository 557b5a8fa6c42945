from django.apps import AppConfig
from django.utils import formats
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from campaigns import roles as _roles

        # What office roles may do with this app's models.
        _roles.register()
        from campaigns import segments, services
        from members.portal.sections import (
            PortalSection,
            register_coming_up,
            register_section,
        )
        from members.public_page import register_listing
        from partyhub.comms import reminders

        segments.register()
        register_coming_up("campaigns", _coming_sessions)
        register_listing("petitions", _petitions_listing, order=20)
        register_listing("surveys", _surveys_listing, order=30)
        register_listing("teams", _teams_listing, order=40)
        services.register_petition_confirmation()
        register_section(
            PortalSection(
                "teams",
                _("My teams"),
                "campaigns:mine",
                _("Campaign teams you are on, their sessions, and teams to join."),
                order=45,
            )
        )
        register_section(
            PortalSection(
                "street",
                _("Report a problem"),
                "campaigns:street_reports",
                _(
                    "Anti-social behaviour, dumped rubbish, abandoned cars, broken "
                    "lights: we pass it to your ward councillor."
                ),
                order=47,
            )
        )
        register_section(
            PortalSection(
                "calls",
                _("Phone banking"),
                "campaigns:call_lists",
                _("Ring a few people for a campaign from your phone."),
                order=46,
            )
        )
        # What campaigning holds about people (partyhub.personal_data).
        from campaigns import personal_data

        personal_data.register_all()
        reminders.register(
            reminders.ReminderKind(
                kind=services.REMINDER_SESSION_DAY_BEFORE,
                subject=_session_subject,
                body=_session_body,
                reason=_session_reason,
                # They signed up for this session: a service message, not marketing.
                requires_consent=False,
            )
        )
        from campaigns import streetwatch_mail
        from partyhub.comms.rendering import register_personaliser

        streetwatch_mail.register()
        register_personaliser(services.street_report_personaliser)
        register_personaliser(services.survey_personaliser)
        reminders.register(
            reminders.ReminderKind(
                kind=services.REMINDER_TEAM_INVITE,
                subject=_invite_subject,
                body=_invite_body,
                reason=_invite_reason,
                # About the team they were put on: a service message.
                requires_consent=False,
            )
        )


def _session_subject(reminder) -> str:
    session = reminder.about.session
    return str(_("Tomorrow: %(team)s") % {"team": session.team.name})


def _session_body(reminder) -> str:
    from campaigns.services import team_signup_url

    session = reminder.about.session
    return str(
        _(
            "Hello %(name)s,\n\nA reminder that you are coming out with **%(team)s** "
            "on %(when)s, meeting at %(where)s. Thank you!\n\nIf you can no longer "
            "come, you can say so under My teams in the member portal, or here: "
            "%(url)s"
        )
        % {
            "name": reminder.person.first_name,
            "team": session.team.name,
            "when": formats.date_format(session.local_starts, "DATETIME_FORMAT"),
            "where": session.meeting_point or _("the usual meeting point"),
            "url": team_signup_url(team=session.team, person=reminder.person),
        }
    )


def _session_reason(reminder) -> str:
    return str(
        _("You are receiving this because you signed up for a session of %(team)s.")
        % {"team": reminder.about.session.team.name}
    )


def _invite_subject(reminder) -> str:
    return str(_("You are on %(team)s") % {"team": reminder.about.team.name})


def _invite_body(reminder) -> str:
    from campaigns.services import signup_link_max_age, team_signup_url

    team = reminder.about.team
    return str(
        _(
            "Hello %(name)s,\n\nYou are on **%(team)s**. Sign up for the sessions "
            "you can come to with this link — no password needed:\n\n%(url)s\n\n"
            "The link is yours alone and works for %(days)s days. Please do not "
            "forward it."
        )
        % {
            "name": reminder.person.first_name,
            "team": team.name,
            "url": team_signup_url(team=team, person=reminder.person),
            "days": max(1, signup_link_max_age() // 86400),
        }
    )


def _invite_reason(reminder) -> str:
    return str(
        _("You are receiving this because you were put on the team %(team)s.")
        % {"team": reminder.about.team.name}
    )


def _coming_sessions(person, now):
    """The campaign sessions the person signed up for, still to come, in one query."""
    from django.urls import reverse

    from campaigns.models import Session, SessionSignup
    from members.portal.sections import ComingUpItem

    signups = SessionSignup.objects.filter(
        person=person,
        session__status=Session.Status.PLANNED,
        session__ends__gte=now,
    ).select_related("session__team")
    return [
        ComingUpItem(
            starts=s.session.starts,
            title=_("%(team)s session") % {"team": s.session.team.name},
            url=reverse("campaigns:mine"),
            note=s.session.meeting_point or _("Campaign session"),
        )
        for s in signups
    ]


def _petitions_listing(constituency):
    from django.urls import reverse

    from campaigns.models import Petition
    from members.public_page import Listing, ListingItem

    petitions = Petition.objects.filter(
        constituency=constituency, status=Petition.Status.OPEN
    )[:5]
    return Listing(
        key="petitions",
        title=_("Petitions you can sign"),
        items=[
            ListingItem(title=p.title, url=reverse("campaigns:petition", args=[p.slug]))
            for p in petitions
        ],
        empty=None,
    )


def _surveys_listing(constituency):
    from django.urls import reverse

    from campaigns.models import Survey
    from members.public_page import Listing, ListingItem

    surveys = Survey.objects.filter(
        constituency=constituency,
        status=Survey.Status.OPEN,
        access=Survey.Access.PUBLIC,
    )[:5]
    return Listing(
        key="surveys",
        title=_("Tell us what you think"),
        items=[
            ListingItem(title=s.title, url=reverse("campaigns:survey", args=[s.slug]))
            for s in surveys
        ],
        empty=None,
    )


def _teams_listing(constituency):
    """Campaign teams out regularly: supporters are welcome to come along."""
    from django.urls import reverse

    from campaigns.models import Team, Weekday
    from members.public_page import Listing, ListingItem

    teams = Team.objects.filter(
        constituencies=constituency, weekday__isnull=False, start_time__isnull=False
    )[:5]
    return Listing(
        key="teams",
        title=_("Campaign teams you can join"),
        items=[
            ListingItem(
                title=t.name,
                note=", ".join(
                    str(p)
                    for p in (
                        _("%(day)ss at %(time)s")
                        % {
                            "day": Weekday(t.weekday).label,
                            "time": formats.time_format(t.start_time),
                        },
                        t.meeting_point,
                    )
                    if p
                ),
            )
            for t in teams
        ],
        empty=None,
        links=[
            (
                _("Sign up as a supporter to come along"),
                reverse("supporters:join_constituency", args=[constituency.slug]),
            )
        ],
    )
