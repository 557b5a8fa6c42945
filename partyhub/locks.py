"""One way to serialise work: `hold(key)` inside a transaction.

    with transaction.atomic():
        hold(f"members-import:{constituency.pk}")
        ...  # one at a time per constituency until the transaction ends

The lock is released when the surrounding transaction commits or rolls back;
there is no release call and nothing to forget. A second holder of the same key
waits; after `timeout` seconds it gets `LockTimeout`, a DomainError a person can
read ("someone else is doing this now, try again"), and its transaction is left
usable (the attempt runs in a savepoint).

PostgreSQL: a transaction-level advisory lock (pg_advisory_xact_lock on a 64-bit
hash of the key) under a local lock_timeout. Elsewhere (SQLite in development):
a row of partyhub.LockRow (named by a hash of the key) is written in the transaction — a write takes SQLite's
database lock until commit, and other databases lock the row — so the lock is
real there too, never a silent no-op.

Keys are "<app>-<what>:<id>", e.g. "supporters-signup:<email>".
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from partyhub.errors import DomainError

# SQLSTATE 55P03: lock_not_available (lock_timeout expired).
_PG_LOCK_NOT_AVAILABLE = "55P03"


class LockTimeout(DomainError):
    """The lock stayed held by someone else for longer than the timeout."""


class NotInTransaction(RuntimeError):
    """hold() was called outside transaction.atomic(): the lock would end at once."""


def lock_id(key: str) -> int:
    """The signed 64-bit advisory lock number of `key` (stable across processes)."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def hold(
    key: str, *, timeout: float | None = None, using: str = DEFAULT_DB_ALIAS
) -> None:
    """Take the lock named `key` until the current transaction ends.

    Waits at most `timeout` seconds (settings.LOCK_TIMEOUT_SECONDS by default),
    then raises LockTimeout. Must run inside transaction.atomic().
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        raise NotInTransaction(f"hold({key!r}) must run inside transaction.atomic()")
    seconds = settings.LOCK_TIMEOUT_SECONDS if timeout is None else timeout
    try:
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql":
                _hold_advisory(connection, key, seconds)
            else:
                _hold_row(key, using)
    except OperationalError as exc:
        if _is_lock_timeout(exc):
            raise LockTimeout(
                _("Someone else is doing this right now. Wait a moment and try again."),
                code="lock_timeout",
            ) from exc
        raise


def _hold_advisory(connection: BaseDatabaseWrapper, key: str, seconds: float) -> None:
    milliseconds = max(1, int(seconds * 1000))
    with connection.cursor() as cursor:
        # Local to the savepoint's transaction; restored for the caller's statements.
        cursor.execute("SELECT current_setting('lock_timeout')")
        (previous,) = cursor.fetchone()
        cursor.execute(
            "SELECT set_config('lock_timeout', %s, true)", [f"{milliseconds}ms"]
        )
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id(key)])
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])


def _hold_row(key: str, using: str) -> None:
    from partyhub.models import LockRow

    # The row is named by a hash: keys may carry an email address.
    key = hashlib.blake2b(key.encode(), digest_size=20).hexdigest()
    rows = LockRow.objects.using(using)
    # The write is the lock: SQLite takes its database lock for the rest of the
    # transaction; row-locking databases lock this row.
    if not rows.filter(key=key).update(held_at=timezone.now()):
        rows.get_or_create(key=key, defaults={"held_at": timezone.now()})
        rows.select_for_update().filter(key=key).update(held_at=timezone.now())


def _is_lock_timeout(exc: OperationalError) -> bool:
    cause = exc.__cause__
    if getattr(cause, "pgcode", None) == _PG_LOCK_NOT_AVAILABLE:
        return True
    return "database is locked" in str(exc) or "lock timeout" in str(exc).lower()
