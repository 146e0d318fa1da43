"""Shared fixtures of the command-line integration tests."""

import pytest


@pytest.fixture
def env(db_url, monkeypatch, tmp_path):
    """`groupbot` commands run in a scratch directory against the test database."""
    monkeypatch.setenv("GROUPBOT_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    return tmp_path
