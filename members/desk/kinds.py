"""The wording of the desk's and mentoring's emails, registered with comms.

Welcomes, renewal reminders and the mentoring asks are about the person's own
membership or a duty they took on: service messages, sent without marketing
consent. The desk's templated emails (renew, welcome back, keep in touch) are
campaigning contact and need email consent at send time.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from members.desk import services
from partyhub.comms import reminders


def register() -> None:
    for kind, subject, body, reason, consent in (
        (services.WELCOME, _welcome_subject, _welcome_body, _member_reason, False),
        (services.ARREARS, _arrears_subject, _arrears_body, _member_reason, False),
        (services.MENTOR_ASK, _ask_subject, _ask_body, _mentor_reason, False),
        (services.MENTOR_NUDGE, _nudge_subject, _nudge_body, _mentor_reason, False),
        (
            services.SECRETARY_NUDGE,
            _secretary_subject,
            _secretary_body,
            _secretary_reason,
            False,
        ),
    ):
        reminders.register(
            reminders.ReminderKind(
                kind=kind,
                subject=subject,
                body=body,
                reason=reason,
                requires_consent=consent,
            )
        )
    for key in services.DESK_TEMPLATES:
        reminders.register(
            reminders.ReminderKind(
                kind=services.desk_email_kind(key),
                subject=_desk_subject,
                body=_desk_body,
                reason=_member_reason,
                requires_consent=True,
            )
        )


def _clp(reminder) -> str:
    about = reminder.about
    constituency = getattr(about, "constituency", None) or reminder.person.constituency
    return str(constituency) if constituency else _("your local Labour Party")


def _member_reason(reminder) -> str:
    return _(
        "You are receiving this because you are, or were, a member of the Labour "
        "Party in %(clp)s."
    ) % {"clp": _clp(reminder)}


def _mentor_reason(reminder) -> str:
    return _(
        "You are receiving this because you volunteered as a mentor for new members "
        "in %(clp)s."
    ) % {"clp": _clp(reminder)}


def _secretary_reason(reminder) -> str:
    return _(
        "You are receiving this because you are the membership secretary of %(clp)s."
    ) % {"clp": _clp(reminder)}


# --- to the member ----------------------------------------------------------------


def _rejoined(reminder) -> bool:
    return bool(getattr(reminder.about, "rejoined_on", None))


def _welcome_subject(reminder) -> str:
    if _rejoined(reminder):
        return _("Welcome back to %(clp)s") % {"clp": _clp(reminder)}
    return _("Welcome to %(clp)s") % {"clp": _clp(reminder)}


def _welcome_body(reminder) -> str:
    from members.models import Mentorship

    mentorship = (
        Mentorship.objects.filter(mentee=reminder.person, mentor__isnull=False)
        .exclude(status=Mentorship.Status.ENDED)
        .select_related("mentor__person")
        .first()
    )
    greeting = (
        _(
            "Welcome back to the Labour Party, and to %(clp)s. We are very glad you "
            "have rejoined."
        )
        if _rejoined(reminder)
        else _(
            "Welcome to the Labour Party, and to %(clp)s. We are very glad you "
            "have joined."
        )
    ) % {"clp": _clp(reminder)}
    text = _(
        "Hello %(name)s,\n\n%(greeting)s\n\nYour account on our website shows your "
        "membership and lets you tell us what you are interested in: %(portal)s"
    ) % {
        "name": reminder.person.first_name,
        "greeting": greeting,
        "portal": services.site_url(reverse("portal:home")),
    }
    if mentorship is not None:
        text += "\n\n" + _(
            "%(mentor)s, an experienced member near you, will be in touch soon to "
            "say hello and answer any questions."
        ) % {"mentor": mentorship.mentor.person.full_name}
    return text


def _arrears_subject(reminder) -> str:
    return _("Your Labour membership is overdue")


def _arrears_body(reminder) -> str:
    return _(
        "Hello %(name)s,\n\nYour Labour Party membership subscription is overdue. "
        "You are still a member for now, but you may not be able to vote in "
        "selections until it is paid.\n\nSubscriptions are paid to the national "
        "party: [renew your membership](%(url)s)\n\nIf you have already paid, "
        "thank you, and please ignore this email."
    ) % {"name": reminder.person.first_name, "url": services.renewal_url()}


def _desk_template(reminder):
    return services.DESK_TEMPLATES[
        reminder.kind.removeprefix(services.DESK_EMAIL_PREFIX)
    ]


def _desk_subject(reminder) -> str:
    return str(_desk_template(reminder).subject) % {"clp": _clp(reminder)}


def _desk_body(reminder) -> str:
    return str(_desk_template(reminder).body) % {
        "name": reminder.person.first_name,
        "clp": _clp(reminder),
        "renewal_url": services.renewal_url(),
    }


# --- to the mentor and the membership secretary -----------------------------------


def _mentee(reminder):
    return reminder.about.mentee


def _ask_subject(reminder) -> str:
    return _("Please welcome a new member: %(name)s") % {
        "name": _mentee(reminder).full_name
    }


def _ask_body(reminder) -> str:
    return _(
        "Hello %(name)s,\n\n%(mentee)s has just joined the party in %(clp)s, and "
        "you are their mentor. Please get in touch in the next few days to say "
        "hello, invite them to a meeting and answer their questions.\n\nTheir "
        "contact details, and a form to note that you have been in touch: "
        "[%(mentee)s](%(url)s)"
    ) % {
        "name": reminder.person.first_name,
        "mentee": _mentee(reminder).full_name,
        "clp": _clp(reminder),
        "url": services.mentee_page_url(reminder.about),
    }


def _nudge_subject(reminder) -> str:
    return _("Have you been in touch with %(name)s?") % {
        "name": _mentee(reminder).full_name
    }


def _nudge_body(reminder) -> str:
    return _(
        "Hello %(name)s,\n\nA week ago you were asked to welcome %(mentee)s, who "
        "joined the party in %(clp)s. Nobody has noted a contact with them yet. "
        "If you have spoken to them, please note it; if not, please try soon: "
        "[%(mentee)s](%(url)s)"
    ) % {
        "name": reminder.person.first_name,
        "mentee": _mentee(reminder).full_name,
        "clp": _clp(reminder),
        "url": services.mentee_page_url(reminder.about),
    }


def _secretary_subject(reminder) -> str:
    return _("No contact yet with new member %(name)s") % {
        "name": _mentee(reminder).full_name
    }


def _secretary_body(reminder) -> str:
    mentorship = reminder.about
    return _(
        "Hello %(name)s,\n\n%(mentee)s joined the party in %(clp)s two weeks ago "
        "and nobody has noted a contact with them yet (their mentor: %(mentor)s). "
        "Please see that somebody gets in touch: %(url)s"
    ) % {
        "name": reminder.person.first_name,
        "mentee": mentorship.mentee.full_name,
        "clp": _clp(reminder),
        "mentor": mentorship.mentor.person.full_name
        if mentorship.mentor_id
        else _("none assigned"),
        "url": services.site_url(
            reverse("admin:members_person_change", args=[mentorship.mentee_id])
        ),
    }
