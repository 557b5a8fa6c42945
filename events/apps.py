from django.apps import AppConfig
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        # What events hold about people (partyhub.personal_data).
        from events import personal_data, roles, segments, services
        from members.portal.sections import (
            PortalSection,
            register_coming_up,
            register_section,
        )
        from members.public_page import register_listing
        from partyhub.comms import reminders
        from partyhub.comms.models import Topic

        services.register_booking_confirmation()
        personal_data.register_all()
        segments.register()
        roles.register()
        # Bookings cascading with a deleted Person: the receiver only calls the
        # service (events.services.places_freed).
        post_delete.connect(
            services.bookings_deleted_with_their_person,
            sender="events.Booking",
            dispatch_uid="events.booking_deleted",
        )
        register_section(
            PortalSection(
                "events",
                _("My events"),
                "events:mine",
                _("Events you are booked on, and events you can book."),
                order=40,
            )
        )

        register_coming_up("events", _coming_bookings)
        register_listing("events", _public_listing, order=10)
        register_section(
            PortalSection(
                "course",
                _("My course progress"),
                "events:my_course",
                _("The academy: your seminars and portfolio."),
                order=45,
            )
        )

        # Reminders about something the person booked are service messages, not
        # marketing: they go without email consent.
        for kind, subject, body in (
            (services.REMINDER_DAY_BEFORE, _day_before_subject, _day_before_body),
            (services.REMINDER_ON_THE_DAY, _on_the_day_subject, _day_before_body),
            (services.REMINDER_BOOKED, _booked_subject, _booked_body),
            (services.REMINDER_PLACE_FREED, _place_subject, _place_body),
            (services.REMINDER_EVENT_CANCELLED, _cancelled_subject, _cancelled_body),
            (
                services.REMINDER_CONSULTATION_REPORT,
                _report_subject,
                _report_body,
            ),
        ):
            reminders.register(
                reminders.ReminderKind(
                    kind=kind,
                    subject=subject,
                    body=body,
                    reason=_reason,
                    requires_consent=False,
                    attachments=_calendar_file
                    if kind in (services.REMINDER_BOOKED, services.REMINDER_PLACE_FREED)
                    else None,
                )
            )
        # The organisation agreed to be mailed (checked when it is scheduled);
        # its contact has no consent of their own in the ledger.
        reminders.register(
            reminders.ReminderKind(
                kind=services.REMINDER_ORG_INVITATION,
                subject=_invitation_subject,
                body=_invitation_body,
                reason=_org_reason,
                topic=Topic.EVENTS,
                requires_consent=False,
            )
        )
        # A thank-you asking for feedback is not something the person asked for:
        # like an invitation it needs email consent (events topic).
        reminders.register(
            reminders.ReminderKind(
                kind=services.REMINDER_THANK_YOU,
                subject=_thank_you_subject,
                body=_thank_you_body,
                reason=_reason,
                topic=Topic.EVENTS,
            )
        )
        # An invitation is marketing: it needs email consent (events topic).
        reminders.register(
            reminders.ReminderKind(
                kind=services.REMINDER_INVITATION,
                subject=_invitation_subject,
                body=_invitation_body,
                reason=_invitation_reason,
                topic=Topic.EVENTS,
            )
        )


def _public_listing(constituency):
    """The constituency page's "Upcoming events": public, published, to come."""
    from django.urls import reverse
    from django.utils import timezone

    from events.models import Event
    from members.public_page import Listing, ListingItem

    events = Event.objects.published().filter(
        audience=Event.Audience.PUBLIC,
        constituencies=constituency,
        ends__gte=timezone.now(),
    )[:5]
    return Listing(
        key="events",
        title=_("Upcoming events"),
        items=[
            ListingItem(
                title=e.title,
                url=reverse("events:detail", args=[e.pk]),
                note=", ".join(p for p in (_when(e), e.venue) if p),
            )
            for e in events
        ],
        empty=_("No public events are planned just now."),
        links=[
            (_("All our events"), reverse("events:calendar", args=[constituency.slug])),
            (
                _("Add our events to your calendar"),
                reverse("events:feed", args=[constituency.slug]),
            ),
        ],
    )


def _coming_bookings(person, now):
    """The person's booked (or waiting) events still to come, in one query."""
    from django.urls import reverse

    from events.models import Booking, Event
    from members.portal.sections import ComingUpItem

    bookings = Booking.objects.filter(
        person=person,
        status__in=[Booking.Status.YES, Booking.Status.WAITING],
        event__status=Event.Status.PUBLISHED,
        event__ends__gte=now,
    ).select_related("event")
    return [
        ComingUpItem(
            starts=b.event.starts,
            title=b.event.title,
            url=reverse("events:mine"),
            note=_("On the waiting list")
            if b.status == Booking.Status.WAITING
            else (b.event.venue or _("Event")),
        )
        for b in bookings
    ]


def _event_of(reminder):
    about = reminder.about
    return getattr(about, "event", about)


def _when(event) -> str:
    return formats.date_format(event.starts, "DATETIME_FORMAT")


def _day_before_subject(reminder) -> str:
    return str(_("Tomorrow: %(event)s") % {"event": _event_of(reminder).title})


def _on_the_day_subject(reminder) -> str:
    return str(_("Today: %(event)s") % {"event": _event_of(reminder).title})


def _day_before_body(reminder) -> str:
    from events import services

    event = _event_of(reminder)
    return str(
        _(
            "Hello %(name)s,\n\nA reminder that you are booked on **%(event)s**, "
            "%(when)s, at %(venue)s.\n\nIf you can no longer come, please tell us "
            "so somebody on the waiting list can have your place: "
            "[I can't come any more](%(cancel_url)s)"
        )
        % {
            "name": reminder.person.first_name,
            "event": event.title,
            "when": _when(event),
            "venue": event.venue or _("the venue in the invitation"),
            "cancel_url": services.booking_cancel_url(reminder.about),
        }
    )


def _calendar_file(reminder) -> list[tuple[str, bytes, str]]:
    from events import services

    return [("event.ics", services.booking_ics(reminder.about), "text/calendar")]


def _booked_subject(reminder) -> str:
    return str(_("You are booked: %(event)s") % {"event": _event_of(reminder).title})


def _booked_body(reminder) -> str:
    from events import services

    event = _event_of(reminder)
    guests = reminder.about.guests
    return str(
        _(
            "Hello %(name)s,\n\nYou have a place on **%(event)s**, %(when)s, at "
            "%(venue)s.%(guests)s\n\nThe calendar file attached puts it in your "
            "calendar. We will email you a reminder the day before.\n\nIf you "
            "can no longer come, please tell us so somebody else can have your "
            "place: [I can't come](%(cancel_url)s)"
        )
        % {
            "name": reminder.person.first_name,
            "event": event.title,
            "when": _when(event),
            "venue": event.venue or _("the venue in the invitation"),
            "guests": (
                " "
                + ngettext(
                    "You are bringing %(n)d guest.",
                    "You are bringing %(n)d guests.",
                    guests,
                )
                % {"n": guests}
                if guests
                else ""
            ),
            "cancel_url": services.booking_cancel_url(reminder.about),
        }
    )


def _place_subject(reminder) -> str:
    return str(_("You have a place: %(event)s") % {"event": _event_of(reminder).title})


def _place_body(reminder) -> str:
    from events import services

    event = _event_of(reminder)
    return str(
        _(
            "Hello %(name)s,\n\nA place has come free on **%(event)s**, %(when)s, and "
            "it is yours: you were next on the waiting list.\n\nIf you can no "
            "longer come, please tell us so the next person can have it: "
            "[I can't come any more](%(cancel_url)s)"
        )
        % {
            "name": reminder.person.first_name,
            "event": event.title,
            "when": _when(event),
            "cancel_url": services.booking_cancel_url(reminder.about),
        }
    )


def _cancelled_subject(reminder) -> str:
    return str(_("Cancelled: %(event)s") % {"event": _event_of(reminder).title})


def _cancelled_body(reminder) -> str:
    event = _event_of(reminder)
    return str(
        _(
            "Hello %(name)s,\n\nWe are sorry: **%(event)s**, planned for %(when)s, has "
            "been cancelled. You do not need to do anything."
        )
        % {
            "name": reminder.person.first_name,
            "event": event.title,
            "when": _when(event),
        }
    )


def _reason(reminder) -> str:
    return str(
        _("You are receiving this because you booked on %(event)s.")
        % {"event": _event_of(reminder).title}
    )


def _invitation_subject(reminder) -> str:
    return str(_("You are invited: %(event)s") % {"event": _event_of(reminder).title})


def _invitation_body(reminder) -> str:
    from events import services

    event = _event_of(reminder)
    return str(
        _(
            "Hello %(name)s,\n\nYou are invited to **%(event)s**, %(when)s, at "
            "%(venue)s.\n\n%(description)s\n\n[Tell us if you can come](%(url)s) "
            "— yes, no or maybe, and whether you are bringing anyone. The link is "
            "yours alone and works until the event."
        )
        % {
            "name": reminder.person.first_name,
            "event": event.title,
            "when": _when(event),
            "venue": event.venue or _("the venue to be confirmed"),
            "description": event.description,
            "url": services.invitation_rsvp_url(reminder.about),
        }
    )


def _invitation_reason(reminder) -> str:
    return str(
        _(
            "You are receiving this because you agreed to hear about events from "
            "the local party."
        )
    )


def _thank_you_subject(reminder) -> str:
    return str(
        _("Thank you for coming: %(event)s") % {"event": _event_of(reminder).title}
    )


def _thank_you_body(reminder) -> str:
    from events import services

    event = _event_of(reminder)
    return str(
        _(
            "Hello %(name)s,\n\nThank you for coming to **%(event)s**. We would "
            "love to know what you thought, so the next one is better: "
            "[give us your feedback](%(url)s) — it takes a minute."
        )
        % {
            "name": reminder.person.first_name,
            "event": event.title,
            "url": services.feedback_url(event=event, person_id=reminder.person_id),
        }
    )


def _report_subject(reminder) -> str:
    return str(_("What we heard: %(event)s") % {"event": _event_of(reminder).title})


def _report_body(reminder) -> str:
    consultation = reminder.about
    themes = "\n".join(f"- {t}" for t in consultation.theme_list)
    intro = str(
        _(
            "Hello %(name)s,\n\nThank you for taking part in **%(event)s**. "
            "Here is what we heard, and what happens next."
        )
        % {"name": reminder.person.first_name, "event": consultation.event.title}
    )
    parts = [intro, consultation.report]
    if themes:
        parts.insert(1, str(_("The themes people raised:")) + "\n\n" + themes)
    return "\n\n".join(parts)


def _org_reason(reminder) -> str:
    return str(
        _(
            "You are receiving this because your organisation agreed to hear from "
            "the local party about its consultations."
        )
    )
