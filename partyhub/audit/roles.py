"""What office roles may do with the audit log: every officer reads it (their
own CLP's entries only, partyhub.scoping)."""

from __future__ import annotations


def register() -> None:
    from members.roles import Role, grant_to_roles

    grant_to_roles(Role.values, ["audit.view_auditentry"])
