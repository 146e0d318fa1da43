"""The per-user limit: a sliding minute per user, others unaffected."""

from groupbot.telegram.rate_limit import UserRateLimit


def test_sliding_minute_per_user():
    now = [0.0]
    limit = UserRateLimit(3, clock=lambda: now[0])
    assert [limit.allow(1) for _ in range(4)] == [True, True, True, False]
    assert limit.allow(2)  # another user is not affected
    now[0] = 59.9
    assert not limit.allow(1)
    now[0] = 60.0  # the first three fell out of the window
    assert limit.allow(1)
