"""Every write of the canvassing app: audited, in a transaction."""

from canvassing.services.pollingday import mark_voted, numbers_from_text
from canvassing.services.register import (
    RegisterFileError,
    district_delete,
    district_for_import,
    register_delete,
    register_import,
)
from canvassing.services.returns import ReturnData, return_record
from canvassing.services.setup import canvass_lead_appoint, imprint_save
from canvassing.services.walks import walk_printed, walks_create

__all__ = [
    "RegisterFileError",
    "ReturnData",
    "canvass_lead_appoint",
    "district_delete",
    "district_for_import",
    "imprint_save",
    "mark_voted",
    "numbers_from_text",
    "register_delete",
    "register_import",
    "return_record",
    "walk_printed",
    "walks_create",
]
