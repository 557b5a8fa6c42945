"""The supporters' club in the officers' admin: the list, its import and export,
kinds of help, unconfirmed signups, asks and their replies, prize draws, and the
conversion of supporters into members.

Every admin inherits the constituency scoping mixin; the buttons call
supporters.services, which check state, write in one transaction and audit.
"""

from supporters.admin import asks, draws, supporters  # noqa: F401 - registers
