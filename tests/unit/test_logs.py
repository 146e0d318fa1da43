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
