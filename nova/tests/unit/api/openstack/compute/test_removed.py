"""APIs the Compute API removed answer 410 Gone at every microversion."""

import pytest

from nova.api.openstack.compute import removed


@pytest.mark.parametrize('prefix', sorted(removed.REMOVED))
@pytest.mark.parametrize('method,suffix', [
    ('GET', ''), ('POST', ''), ('GET', '/1'), ('PUT', '/1'),
    ('DELETE', '/1'), ('POST', '/1/action')])
def test_removed_api_is_410(admin_client, dbs, prefix, method, suffix):
    resp = admin_client.request(method, f'/v2.1{prefix}{suffix}',
                                body={} if method in ('POST', 'PUT')
                                else None)
    assert resp.status_int == 410
    message = resp.json_body_or_none['computeFault']['message']
    assert 'removed' in message and prefix.lstrip('/') in message


@pytest.mark.parametrize('version', ['2.1', '2.36', '2.47'])
def test_removed_at_every_microversion(client, dbs, version):
    resp = client.get('/v2.1/os-fping', version=version)
    assert resp.status_int == 410


def test_project_id_in_url_still_410(client, dbs):
    resp = client.get('/v2.1/fake-project/os-cells/detail')
    assert resp.status_int == 410
