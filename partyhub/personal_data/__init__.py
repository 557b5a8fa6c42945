"""One register of everything held about a person: export, erasure, merge.

See `registry` for how an app registers a model, `operations` for what is done
through the register (a subject access export, an erasure, a merge).
"""

from partyhub.personal_data.operations import (
    erase_person,
    export_person,
    repoint_person,
)
from partyhub.personal_data.registry import (
    DELETE,
    KEEP,
    STAYS,
    Anonymise,
    Delete,
    Entry,
    Keep,
    Repoint,
    entry_for,
    register,
    registered_models,
    rows_for_person,
)

__all__ = [
    "DELETE",
    "KEEP",
    "STAYS",
    "Anonymise",
    "Delete",
    "Entry",
    "Keep",
    "Repoint",
    "entry_for",
    "erase_person",
    "export_person",
    "register",
    "registered_models",
    "repoint_person",
    "rows_for_person",
]
