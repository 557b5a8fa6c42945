"""What office roles may do with requests about people's data."""

from __future__ import annotations


def register() -> None:
    from members.roles import MEMBERSHIP_KEEPERS, grant_to_roles

    # Requests about people's data (a copy, erasure) go to the secretary and the
    # membership secretary; the chair covers. The same officers merge duplicates.
    grant_to_roles(
        MEMBERSHIP_KEEPERS,
        [
            "personal_data.view_datarequest",
            "personal_data.add_datarequest",
            "personal_data.change_datarequest",
            "personal_data.view_mergerecord",
            "personal_data.add_mergerecord",
            "personal_data.view_suppression",
            "personal_data.delete_suppression",
        ],
    )
