"""Flavor bodies, per microversion."""

from nova.api.openstack import common


def basic(req, flavor):
    return {'id': flavor.flavorid, 'name': flavor.name,
            'links': common.resource_links(req, 'flavors', flavor.flavorid)}


def detail(req, flavor):
    body = basic(req, flavor)
    body.update({
        'ram': flavor.memory_mb,
        'disk': flavor.root_gb,
        'vcpus': flavor.vcpus,
        'OS-FLV-EXT-DATA:ephemeral': flavor.ephemeral_gb,
        'OS-FLV-DISABLED:disabled': flavor.disabled,
        # The API shows "no swap" as an empty string, not 0.
        'swap': flavor.swap or '',
        'rxtx_factor': flavor.rxtx_factor,
        'os-flavor-access:is_public': flavor.is_public,
    })
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
