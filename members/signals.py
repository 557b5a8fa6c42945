"""Signals other parts of members/ (and other apps) listen to.

``members_joined`` is sent after the transaction that created new memberships has
committed (an import, or an officer adding one), with ``person_ids``: the people
who are new members. Mentoring listens to welcome them and assign a mentor.
"""

from django.dispatch import Signal

members_joined = Signal()
