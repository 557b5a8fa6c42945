"""What office roles may do with the finance app's models.

Donors and donations are for the treasurer and the chair (and those they delegate
to, see finance.access, which the admin asks directly). Every officer of a CLP
may read its books and budgets (totals by category and fund, no donor names)."""

from members.roles import Role, grant_to_roles

_FINANCE = (Role.TREASURER, Role.CHAIR)


def register() -> None:
    grant_to_roles(Role.values, ["finance.view_entry", "finance.view_budget"])
    grant_to_roles(
        _FINANCE,
        [
            *(
                f"finance.{v}_{m}"
                for v in ("view", "add", "change")
                for m in ("donor", "donation", "entry", "budget", "financedelegate")
            ),
            "finance.view_bookingpayment",
            "finance.export_donation",
        ],
    )
