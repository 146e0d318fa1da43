"""Which database errors a worker runs again, waits out, or reports as a bad row."""

from sqlalchemy.exc import IntegrityError, OperationalError

from groupbot.storage.errors import is_conflict, is_transient


class PgError(Exception):
    def __init__(self, sqlstate: str):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def wrapped(kind, sqlstate: str):
    return kind("INSERT …", None, PgError(sqlstate))


def test_lost_races_are_run_again():
    for state in ("40001", "40P01", "23505"):  # serialization, deadlock, key inserted meanwhile
        assert is_conflict(wrapped(IntegrityError, state))


def test_bad_rows_are_not_run_again():
    for state in ("23502", "23503", "22001"):  # null, foreign key, value too long
        assert not is_conflict(wrapped(IntegrityError, state))
        assert not is_transient(wrapped(IntegrityError, state))


def test_an_unreachable_database_is_waited_out():
    assert is_transient(wrapped(OperationalError, "08006"))
    assert not is_conflict(wrapped(OperationalError, "08006"))
