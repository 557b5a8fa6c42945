"""Consent given or withdrawn is activity: a person who told us what they want
recently is in touch (see partyhub.dataprotection)."""

from django.utils.translation import gettext_lazy as _

from partyhub.dataprotection.notice import register_purpose
from partyhub.dataprotection.retention import register_activity

register_activity("comms.ConsentEvent", date_field="at")


register_purpose(
    "communications",
    title=_("Email and contact preferences"),
    why=_(
        "To contact you only the ways you agreed, prove what you agreed to, and make "
        "sure a message reaches you once."
    ),
    data=_("Consent given and withdrawn (when, how, the wording shown), emails sent"),
    people=_("Everyone we contact"),
    basis=_(
        "Your consent (art. 6(1)(a)); keeping the record of it is a legal "
        "obligation (art. 6(1)(c), PECR)"
    ),
    models=("comms.ConsentEvent", "comms.ConsentState", "comms.Delivery"),
    kept=_("As long as we hold your contact details"),
    order=60,
)
