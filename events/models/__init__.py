"""The events app's models, one module per area."""

from events.models.academy import Course, Enrolment, Seminar
from events.models.events import (
    Booking,
    Event,
    EventQuerySet,
    Feedback,
    FeedKey,
    Invitation,
)
from events.models.planning import Consultation, OrganisationInvite, ProgrammeSlot

__all__ = [
    "Booking",
    "Consultation",
    "Course",
    "Enrolment",
    "Event",
    "EventQuerySet",
    "FeedKey",
    "Feedback",
    "Invitation",
    "OrganisationInvite",
    "ProgrammeSlot",
    "Seminar",
]
