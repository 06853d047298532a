"""Shared fixtures: real fixture files, and flaskr-style `app`, `client`, `runner` on a fresh instance."""

from __future__ import annotations

from pathlib import Path

import pytest

from web import create_app

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def app(tmp_path):
    """An app on an empty throwaway instance (store, index and rejects under tmp_path)."""
    return create_app({"TESTING": True, "INSTANCE": str(tmp_path / "instance")})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
