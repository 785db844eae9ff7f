"""Fixtures for the command-line tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from resonance.settings import get_settings


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Each command reads the environment this test sets, not a cached earlier one."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
