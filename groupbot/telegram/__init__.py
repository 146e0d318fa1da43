"""Thin Telegram adapter: durable polling, handlers, rendering and sending."""
