"""Pure rules of groupbot: plain data in, plain data out; no Telegram, database or scheduler."""
