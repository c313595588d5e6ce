"""APIs the Compute API has removed: every request to them, at every
microversion, is 410 Gone.

They served nova-network, cells v1, the nova-cert service, cloudpipe
VPNs, fping and guest agent builds, none of which exist any more.
"""

from nova import exception
from nova.i18n import _


class APIRemoved(exception.NovaException):
    msg_fmt = _('%(api)s has been removed from the Compute API: %(why)s')
    code = 410


# prefix -> why it is gone, in words that point to what to use instead.
REMOVED = {
    '/os-agents': _('guest agent builds are no longer managed.'),
    '/os-cells': _('cells v1 no longer exists; manage cells v2 with '
                   'nova-manage cell_v2.'),
    '/os-certificates': _('the nova-cert service no longer exists.'),
    '/os-cloudpipe': _('cloudpipe VPNs served nova-network, which no '
                       'longer exists.'),
    '/os-fping': _('use the network service to check servers.'),
    '/os-fixed-ips': _('use the ports of the network service.'),
    '/os-floating-ip-dns': _('use the DNS service.'),
    '/os-floating-ips-bulk': _('use the floating IPs of the network '
                               'service.'),
    '/os-security-group-default-rules': _(
        'use the security groups of the network service.'),
}


class RemovedController:
    """Answers 410 for one removed API, whatever the path below it."""

    def __init__(self, prefix, why):
        self.api = prefix.lstrip('/')
        self.why = why

    def gone(self, req, **_ignored):
        raise APIRemoved(api=self.api, why=self.why)


def routes(wsgi):
    """URL rows of every removed API: the collection, a member, and
    paths under a member (actions, entries)."""
    rows = []
    all_verbs = ('GET', 'POST', 'PUT', 'DELETE')
    for prefix, why in REMOVED.items():
        ctl = wsgi.Resource(RemovedController(prefix, why))
        verbs = {verb: (ctl, 'gone') for verb in all_verbs}
        for path in ('', '/{id}', '/{id}/{sub}', '/{id}/{sub}/{sub_id}'):
            rows.append((prefix + path, verbs))
    return rows
