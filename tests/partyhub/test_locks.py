"""partyhub.locks.hold(): one lock helper for every path that serialises work.

On PostgreSQL two threads (two connections) contend for the same key: the second
waits while the first holds it and gets it once the first commits, or, given a
short timeout, gets LockTimeout with a message a person can read — and its
transaction stays usable. Outside a transaction hold() refuses (a lock that ended
at once would serialise nothing).
"""

import threading

import pytest
from django.db import OperationalError, connection, transaction

from partyhub.errors import message_of
from partyhub.locks import LockTimeout, NotInTransaction, _hold_row, hold, lock_id
from partyhub.models import LockRow


def _in_thread(target, *args):
    """Run target in a thread with its own connection; what it raised, if anything."""
    raised = []

    def run():
        try:
            target(*args)
        except Exception as exc:
            raised.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, raised


@pytest.mark.django_db(transaction=True)
def test_hold_outside_a_transaction_is_refused():
    with pytest.raises(NotInTransaction, match="inside transaction.atomic"):
        hold("tests:outside")


def test_lock_ids_are_stable_and_distinct():
    assert lock_id("members-import:1") == lock_id("members-import:1")
    assert lock_id("members-import:1") != lock_id("members-import:2")
    assert -(2**63) <= lock_id("x") < 2**63


@pytest.mark.django_db(transaction=True)
def test_second_holder_waits_until_the_first_commits():
    held = threading.Event()
    release = threading.Event()
    order = []

    def first():
        with transaction.atomic():
            hold("tests:wait")
            order.append("first holds")
            held.set()
            release.wait(10)
            order.append("first commits")

    def second():
        held.wait(10)
        with transaction.atomic():
            hold("tests:wait", timeout=20)
            order.append("second holds")

    one, raised_one = _in_thread(first)
    two, raised_two = _in_thread(second)
    held.wait(10)
    # The second is blocked inside PostgreSQL on the advisory lock.
    with connection.cursor() as cursor:
        for _ in range(200):
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                "AND NOT granted"
            )
            if cursor.fetchone()[0] == 1:
                break
            threading.Event().wait(0.05)
        else:
            pytest.fail("the second holder never waited for the lock")
    assert order == ["first holds"]
    release.set()
    one.join()
    two.join()
    assert raised_one == raised_two == []
    assert order == ["first holds", "first commits", "second holds"]


@pytest.mark.django_db(transaction=True)
def test_second_holder_times_out_with_a_readable_error_and_a_usable_transaction():
    held = threading.Event()
    release = threading.Event()
    outcome = {}

    def first():
        with transaction.atomic():
            hold("tests:timeout")
            held.set()
            release.wait(10)

    def second():
        held.wait(10)
        with transaction.atomic():
            try:
                hold("tests:timeout", timeout=0.2)
            except LockTimeout as exc:
                outcome["message"] = message_of(exc)
            # The transaction was not poisoned by the failed attempt...
            LockRow.objects.create(key="written after the timeout")
            # ...and the caller's statements do not inherit the short timeout.
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('lock_timeout')")
                outcome["lock_timeout"] = cursor.fetchone()[0]

    one, raised_one = _in_thread(first)
    two, raised_two = _in_thread(second)
    two.join()
    release.set()
    one.join()
    assert raised_one == raised_two == []
    assert outcome["message"] == (
        "Someone else is doing this right now. Wait a moment and try again."
    )
    assert outcome["lock_timeout"] == "0"
    assert LockRow.objects.filter(key="written after the timeout").exists()


@pytest.mark.django_db(transaction=True)
def test_different_keys_do_not_wait_for_each_other():
    held = threading.Event()
    release = threading.Event()

    def first():
        with transaction.atomic():
            hold("tests:a")
            held.set()
            release.wait(10)

    def second():
        held.wait(10)
        with transaction.atomic():
            hold("tests:b", timeout=0.5)

    one, raised_one = _in_thread(first)
    two, raised_two = _in_thread(second)
    two.join()
    release.set()
    one.join()
    assert raised_one == raised_two == []


@pytest.mark.django_db(transaction=True)
def test_row_lock_fallback_blocks_a_second_writer_and_stores_no_key_text():
    """The path SQLite and other databases take, exercised on PostgreSQL: the
    row is written (a real lock), named by a hash (keys may hold an email)."""
    held = threading.Event()
    release = threading.Event()
    outcome = {}

    def first():
        with transaction.atomic():
            _hold_row("supporters-signup:ann@example.org", "default")
            held.set()
            release.wait(10)

    def second():
        held.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
            try:
                _hold_row("supporters-signup:ann@example.org", "default")
            except OperationalError as exc:
                outcome["blocked"] = exc.__cause__.pgcode

    one, raised_one = _in_thread(first)
    two, raised_two = _in_thread(second)
    two.join()
    release.set()
    one.join()
    assert raised_one == raised_two == []
    assert outcome == {"blocked": "55P03"}
    keys = list(LockRow.objects.values_list("key", flat=True))
    assert len(keys) == 1
    assert "ann" not in keys[0]
