"""Signals other parts of members/ (and other apps) listen to.

Both are sent after the transaction that made the change has committed (an import
applied, or an officer's edit), so receivers may queue work and send email.

``members_joined(person_ids)``: these people became members (new joiners and
rejoiners). Mentoring listens to welcome them and assign a mentor.

``members_fell_into_arrears(membership_ids)``: these memberships newly went into
arrears. The renewal desk listens to send the renewal reminder.
"""

from django.dispatch import Signal

members_joined = Signal()
members_fell_into_arrears = Signal()
