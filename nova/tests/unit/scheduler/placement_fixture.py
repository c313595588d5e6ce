"""The real Placement service for the scheduler and conductor tests.

Placement configures its database once per process, so one service runs
for the whole test session and each test starts from an empty Placement
(every provider and allocation removed).
"""

import os
import tempfile
import threading

import requests
from keystoneauth1 import loading as ks_loading

import nova.conf
from nova.peers import placement
from nova.scheduler.client import report

CONF = nova.conf.CONF

_LOCK = threading.Lock()
_SERVICE = None


def placement_url():
    """Start (once) the in-process Placement; return its URL."""
    global _SERVICE
    with _LOCK:
        if _SERVICE is None:
            path = os.path.join(tempfile.mkdtemp(prefix='nova-placement-'),
                                'placement.db')
            _SERVICE = placement.make_service('sqlite:///' + path, port=0)
            _SERVICE.start()
        return f'http://127.0.0.1:{_SERVICE.port}'


def stop():
    global _SERVICE
    with _LOCK:
        if _SERVICE is not None:
            _SERVICE.stop()
            _SERVICE = None


def wipe(url):
    """Delete every allocation and provider (children first)."""
    headers = {'X-Auth-Token': 'admin',
               'OpenStack-API-Version': 'placement 1.36'}
    rps = requests.get(url + '/resource_providers',
                       headers=headers).json()['resource_providers']
    for rp in rps:
        allocs = requests.get(
            url + f'/resource_providers/{rp["uuid"]}/allocations',
            headers=headers).json()['allocations']
        for consumer in allocs:
            requests.delete(url + f'/allocations/{consumer}',
                            headers=headers)
    # Children before parents: sort by depth in the tree.
    by_uuid = {rp['uuid']: rp for rp in rps}

    def depth(rp):
        d = 0
        while rp.get('parent_provider_uuid'):
            rp = by_uuid.get(rp['parent_provider_uuid'], {})
            d += 1
        return d

    for rp in sorted(rps, key=depth, reverse=True):
        requests.delete(url + f'/resource_providers/{rp["uuid"]}',
                        headers=headers)


def configure(url):
    """Point [placement] at ``url`` with the admin_token plugin."""
    CONF.register_opts(ks_loading.get_auth_plugin_conf_options('admin_token'),
                       group='placement')
    CONF.set_override('auth_type', 'admin_token', group='placement')
    CONF.set_override('token', 'admin', group='placement')
    CONF.set_override('endpoint', url, group='placement')
    CONF.set_override('endpoint_override', url, group='placement')
    report.reset_report_client_singleton()


def unconfigure():
    for name in ('auth_type', 'token', 'endpoint', 'endpoint_override'):
        CONF.clear_override(name, group='placement')
    report.reset_report_client_singleton()
