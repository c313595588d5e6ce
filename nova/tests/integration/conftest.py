"""One distributed deployment per test module (it takes ~20 s to start)."""

import pytest

from nova.tests.integration import deployment as deployment_mod


@pytest.fixture(scope='module')
def deployment(tmp_path_factory):
    dep = deployment_mod.Deployment(str(tmp_path_factory.mktemp('nova-it')))
    try:
        dep.start()
        yield dep
    finally:
        dep.cleanup()
