"""Canvassing's audit event types, registered from CanvassingConfig.ready().

Every copy of register data that leaves the site (a walk printed or opened, a
knock-up list viewed) is one of these, so the register's use can be accounted for.
"""

from django.db import models


class CanvassingAction(models.TextChoices):
    DISTRICT_ADDED = "canvassing.district_added", "Canvassing: polling district added"
    DISTRICT_DELETED = (
        "canvassing.district_deleted",
        "Canvassing: polling district deleted",
    )
    IMPRINT_CHANGED = "canvassing.imprint_changed", "Canvassing: imprint changed"
    IMPRINT_SET = "canvassing.imprint_set", "Canvassing: imprint set"
    KNOCK_UP_VIEWED = "canvassing.knock_up_viewed", "Canvassing: knock-up list viewed"
    LEAD_APPOINTED = "canvassing.lead_appointed", "Canvassing: canvass lead appointed"
    LEAD_REMOVED = "canvassing.lead_removed", "Canvassing: canvass lead removed"
    REGISTER_IMPORTED = (
        "canvassing.register_imported",
        "Canvassing: register file imported",
    )
    RETURN_RECORDED = "canvassing.return_recorded", "Canvassing: doorstep return"
    VOTED_MARKED = "canvassing.voted_marked", "Canvassing: voters marked"
    WALKS_CREATED = "canvassing.walks_created", "Canvassing: walks made"
    WALK_OPENED = "canvassing.walk_opened", "Canvassing: walk opened on a phone"
    WALK_PRINTED = "canvassing.walk_printed", "Canvassing: walk printed"


def register() -> None:
    from partyhub.audit.actions import register_actions

    register_actions(CanvassingAction)
