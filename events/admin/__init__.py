"""Events in the officers' admin, one module per area; importing them registers
the ModelAdmins with the admin site."""

from events.admin import academy, events, pages, planning

__all__ = ["academy", "events", "pages", "planning"]
