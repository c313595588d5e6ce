"""Flavor bodies, per microversion: 2.55 adds ``description``; 2.61 adds
``extra_specs`` to the detailed body for those allowed to list them;
2.75 shows no swap as 0 instead of an empty string."""

from nova.api.openstack import api_version_request as avr
from nova.api.openstack import common


def basic(req, flavor):
    body = {'id': flavor.flavorid, 'name': flavor.name,
            'links': common.resource_links(req, 'flavors', flavor.flavorid)}
    if avr.is_supported(req, '2.55'):
        body['description'] = flavor.description
    return body


def detail(req, flavor):
    body = basic(req, flavor)
    body.update({
        'ram': flavor.memory_mb,
        'disk': flavor.root_gb,
        'vcpus': flavor.vcpus,
        'OS-FLV-EXT-DATA:ephemeral': flavor.ephemeral_gb,
        'OS-FLV-DISABLED:disabled': flavor.disabled,
        # "No swap" is an empty string up to 2.74, 0 from 2.75.
        'swap': (flavor.swap or 0) if avr.is_supported(req, '2.75')
        else (flavor.swap or ''),
        'rxtx_factor': flavor.rxtx_factor,
        'os-flavor-access:is_public': flavor.is_public,
    })
    if avr.is_supported(req, '2.61') and req.context.can(
            'os_compute_api:os-flavor-extra-specs:index', fatal=False):
        body['extra_specs'] = dict(flavor.extra_specs or {})
    return body


def index(req, flavors, limit, detailed):
    builder = detail if detailed else basic
    bodies = [builder(req, f) for f in flavors]
    result = {'flavors': bodies}
    links = common.next_link(req, 'flavors/detail' if detailed else 'flavors',
                             bodies, limit)
    if links:
        result['flavors_links'] = links
    return result
