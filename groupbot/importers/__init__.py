"""Offline sources of groups: census spreadsheets (and later, Telegram Desktop exports)."""
