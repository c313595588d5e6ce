"""Remote consoles of the instances on this host (manager side).

The API asks for a console of one protocol and type; the compute asks its
virt driver where the guest's console listens, stores a token for it
(:class:`nova.objects.ConsoleAuthToken`, valid ``[consoleauth]
token_ttl`` seconds, single-use) and answers with the URL of the console
proxy that holds the token.

Errors cross RPC as :mod:`nova.exception` classes (only those are rebuilt
on the API side): a console the deployment or the guest does not offer is
an ``Invalid`` (400), a guest missing on its host a ``Conflict`` (409).
"""

import collections

from oslo_log import log as logging

import nova.conf
from nova import exception, objects
from nova.i18n import _
from nova.virt import driver as virt_driver

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# protocol: the driver method, whether the deployment offers it and the
# proxy URL of each console type of the protocol.
_Protocol = collections.namedtuple('_Protocol',
                                   ['driver_method', 'enabled', 'base_urls'])
PROTOCOLS = {
    'vnc': _Protocol('get_vnc_console', lambda: CONF.vnc.enabled,
                     {'novnc': lambda: CONF.vnc.novncproxy_base_url}),
    'spice': _Protocol('get_spice_console', lambda: CONF.spice.enabled,
                       {'spice-html5':
                        lambda: CONF.spice.html5proxy_base_url}),
    'serial': _Protocol('get_serial_console',
                        lambda: CONF.serial_console.enabled,
                        {'serial': lambda: CONF.serial_console.base_url}),
}


def _unavailable(console_type, reason):
    return exception.Invalid(
        _('Unavailable console type %(type)s: %(reason)s') % {
            'type': console_type, 'reason': reason})


def get_console(mgr, ctxt, instance, protocol, console_type):
    """{'type': console_type, 'url': the proxy URL with a new token} for
    the guest of ``instance`` on this host."""
    entry = PROTOCOLS.get(protocol)
    if entry is None or not entry.enabled():
        raise _unavailable(console_type, _(
            'this deployment does not offer %s consoles') % protocol)
    base_url = entry.base_urls.get(console_type)
    if base_url is None:
        raise _unavailable(console_type, _(
            'the %(protocol)s consoles of this deployment are of type '
            '%(types)s') % {'protocol': protocol,
                            'types': ', '.join(sorted(entry.base_urls))})
    try:
        info = getattr(mgr.driver, entry.driver_method)(ctxt, instance)
    except NotImplementedError:
        raise _unavailable(console_type, _(
            'the hypervisor of host %(host)s offers no %(protocol)s '
            'console') % {'host': mgr.host, 'protocol': protocol})
    except virt_driver.ConsoleTypeUnavailable as exc:
        raise exception.Invalid(exc.format_message())
    except exception.InstanceNotFound:
        raise exception.Conflict(
            reason=_('server %s has no guest on its host to open a '
                     'console to') % instance.uuid)
    token = objects.ConsoleAuthToken(
        ctxt, console_type=console_type, host=info.host, port=info.port,
        tls_port=info.tls_port,
        internal_access_path=info.internal_access_path,
        instance_uuid=instance.uuid, access_url_base=base_url())
    # The returned token, not the field: through nova-conductor only the
    # return value is sure to come back.
    token.token = token.authorize(CONF.consoleauth.token_ttl)
    LOG.info('Handed out a %s console of instance %s, valid %d s',
             console_type, instance.uuid, CONF.consoleauth.token_ttl)
    return {'type': console_type, 'url': token.access_url}


def clean_expired_tokens(mgr, ctxt):
    """Purge the expired console tokens of the instances on this host."""
    count = objects.ConsoleAuthToken.clean_expired_console_auths(
        ctxt, host=mgr.host)
    if count:
        LOG.debug('Purged %d expired console tokens of %s', count, mgr.host)
    return count
