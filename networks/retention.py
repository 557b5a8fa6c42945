"""Networks' part in the retention schedule: what shows a person still takes part."""

from django.utils.translation import gettext_lazy as _

from partyhub.dataprotection.notice import register_purpose
from partyhub.dataprotection.retention import register_activity

register_activity("networks.NetworkMembership", date_field="joined")
register_activity("networks.Post", person_field="author", date_field="created")
register_activity("networks.Comment", date_field="created")


register_purpose(
    "networks",
    title=_("Policy networks and consultations"),
    why=_("Local policy networks, their discussions and consultation responses."),
    data=_("Name, email, networks joined, posts and comments"),
    people=_("Members and supporters who join a network"),
    basis=_("Legitimate interests in policy discussion (art. 6(1)(f))"),
    special=_(
        "Political opinions: art. 9(2)(d) for members, and art. 9(2)(g) with the "
        "Data Protection Act 2018, schedule 1 paragraph 22"
    ),
    models=("networks.NetworkMembership", "networks.Post", "networks.Comment"),
    kept=_("While you are in the network"),
    order=50,
)
