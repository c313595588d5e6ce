"""Shared pytest set-up of every test tree.

Functional and integration tests start services and child processes; they
are marked ``slow`` so that ``pytest -m "not slow" nova/tests`` runs only
the fast unit tests.
"""

import pathlib

import pytest

_SLOW_TREES = ('functional', 'integration')
_HERE = pathlib.Path(__file__).parent


def pytest_configure(config):
    config.addinivalue_line(
        'markers', 'slow: starts daemons or child processes (seconds)')


def pytest_collection_modifyitems(config, items):
    for item in items:
        try:
            tree = pathlib.Path(item.fspath).relative_to(_HERE).parts[0]
        except ValueError:
            continue
        if tree in _SLOW_TREES:
            item.add_marker(pytest.mark.slow)
