"""Writes, workflows and reads for the officers' side of the supporters' club:
importing an existing list, asks and their replies, the prize draw, conversion.

One module per workflow (the ~500-line rule); import them from here. The public
signup lives in supporters/signup.py.
"""

from supporters.services.asks import (
    ASK_PLACEHOLDERS,
    ASK_REPLY_PURPOSE,
    ask_counts,
    ask_create,
    ask_personaliser,
    ask_print_list,
    ask_reply_create,
    ask_reply_delete,
    ask_reply_record,
    ask_reply_update,
    ask_reply_url,
    ask_segment_criteria,
    ask_send,
)
from supporters.services.common import SupportersError, help_offers_for
from supporters.services.conversion import (
    ConversionRow,
    ConversionStats,
    conversion_stats,
)
from supporters.services.draws import (
    PRIZE_WINNER_REMINDER,
    prize_draw_entrants,
    prize_draw_run,
    prize_draw_verify,
)
from supporters.services.importing import (
    IMPORT_MAX_BYTES,
    ImportReport,
    ImportRow,
    supporters_import,
)

__all__ = [
    "ASK_PLACEHOLDERS",
    "ASK_REPLY_PURPOSE",
    "IMPORT_MAX_BYTES",
    "PRIZE_WINNER_REMINDER",
    "ConversionRow",
    "ConversionStats",
    "ImportReport",
    "ImportRow",
    "SupportersError",
    "ask_counts",
    "ask_create",
    "ask_reply_create",
    "ask_reply_delete",
    "ask_reply_update",
    "ask_personaliser",
    "ask_print_list",
    "ask_reply_record",
    "ask_reply_url",
    "ask_segment_criteria",
    "ask_send",
    "conversion_stats",
    "help_offers_for",
    "prize_draw_entrants",
    "prize_draw_run",
    "prize_draw_verify",
    "supporters_import",
]
