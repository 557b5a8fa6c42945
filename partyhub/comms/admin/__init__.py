"""The officers' communications admin: segments, messages, the consent ledger and
the records of what was sent.

Every admin is scoped to the officer's constituencies (ScopedAdminMixin). Importing
the modules registers their ModelAdmins.
"""

from partyhub.comms.admin import messages, records, segments

__all__ = ["messages", "records", "segments"]
