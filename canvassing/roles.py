"""What office roles may do with canvassing's admin pages. Every officer may use
the register from the canvassing pages (canvassing/access.py); these are the
admin's model permissions."""

from members.roles import Role, grant_to_roles

_APPOINTING = (Role.CHAIR, Role.SECRETARY, Role.CAMPAIGN_COORDINATOR)


def register() -> None:
    grant_to_roles(
        Role.values,
        [
            "canvassing.view_canvasslead",
            "canvassing.view_imprint",
            "canvassing.view_pollingdistrict",
            "canvassing.view_registerimport",
        ],
    )
    grant_to_roles(
        _APPOINTING,
        [
            "canvassing.add_canvasslead",
            "canvassing.delete_canvasslead",
            "canvassing.add_imprint",
            "canvassing.change_imprint",
        ],
    )
