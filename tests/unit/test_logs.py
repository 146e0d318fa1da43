"""The bot token never reaches log output, even inside tracebacks."""

import io
import logging

from groupbot.logs import setup_logging

TOKEN = "123456:TEST-token_abcdefghijklmnopqrstuv"


def test_token_is_redacted_from_messages_and_tracebacks():
    setup_logging("INFO", TOKEN)
    stream = io.StringIO()
    logging.getLogger().handlers[0].setStream(stream)
    log = logging.getLogger("groupbot.test")
    log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise RuntimeError(f"bad url /bot{TOKEN}/sendMessage")
    except RuntimeError:
        log.exception("request failed")
    logging.getLogger("httpx").info("HTTP Request: POST https://x/bot%s/getUpdates", TOKEN)
    output = stream.getvalue()
    assert "getMe" in output and "request failed" in output and "RuntimeError" in output
    assert TOKEN not in output
    assert "getUpdates" not in output  # httpx request lines are silenced


def test_every_secret_is_redacted_and_percent_signs_survive_in_json():
    import json

    setup_logging("INFO", TOKEN, "json", secrets=("hook-secret-1", "cb-secret-2"))
    stream = io.StringIO()
    logging.getLogger().handlers[0].setStream(stream)
    log = logging.getLogger("groupbot.test")
    try:
        raise ValueError(f"100% broken with hook-secret-1 and {TOKEN}")
    except ValueError:
        log.warning("job %s failed (cb-secret-2)", "digest", exc_info=True)
    (line,) = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["message"].startswith("job digest failed")
    assert "100% broken" in entry["message"] and "ValueError" in entry["message"]
    assert not any(s in line for s in (TOKEN, "hook-secret-1", "cb-secret-2"))
