"""Every test here drives Chromium (the fixtures: tests/chromium.py, shared by the whole suite)."""

import pytest


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
