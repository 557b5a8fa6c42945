"""What office roles may do with the supporters' club.

Every officer can see the club (to invite supporters to events, or check who
offered help); the officers who talk to members and supporters keep the list,
import it and send asks; the chair, secretary and social secretary (who run the
social programme and its Christmas draw) open and make prize draws. Exporting
supporters needs members.export_person, which the same editors hold: one export
right for everyone the party knows.
"""

from __future__ import annotations


def register() -> None:
    from members.roles import EDIT_PEOPLE_ROLES, Role, grant_to_roles

    grant_to_roles(
        Role.values,
        [
            "supporters.view_supporter",
            "supporters.view_helpoffer",
            "supporters.view_signuprequest",
            "supporters.view_ask",
            "supporters.view_askreply",
            "supporters.view_prizedraw",
        ],
    )
    grant_to_roles(
        EDIT_PEOPLE_ROLES,
        [
            "supporters.add_supporter",
            "supporters.change_supporter",
            "supporters.add_helpoffer",
            "supporters.change_helpoffer",
            "supporters.add_ask",
            "supporters.change_ask",
            "supporters.add_askreply",
            "supporters.change_askreply",
            "supporters.delete_askreply",
        ],
    )
    grant_to_roles(
        (Role.CHAIR, Role.SECRETARY, Role.SOCIAL_SECRETARY),
        ["supporters.add_prizedraw", "supporters.change_prizedraw"],
    )
