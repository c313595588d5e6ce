"""Config drives: an instance's metadata on a read-only ISO 9660 disk.

The disk is labelled ``config-2`` and holds, under ``openstack/latest/``,
what cloud-init's ConfigDrive data source reads:

``meta_data.json``
    uuid, name, hostname, availability_zone, launch_index, project_id,
    public_keys ({key name: public key}) and keys, meta (the server's
    metadata), files (injected files, under ``openstack/content/``) and
    admin_pass when one was given.
``network_data.json``
    links (one per VIF), networks (one per fixed IP, static) and
    services (DNS servers), as the metadata service publishes them.
``user_data``
    the server's user data, decoded (the API keeps it base64), when set.
``vendor_data.json``
    ``{}``.

The image is made by the first of genisoimage, mkisofs or xorriso
found on the host.
"""

import base64
import binascii
import ipaddress
import json
import os
import shutil
import subprocess
import tempfile

from oslo_log import log as logging

import nova.conf
from nova import exception

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

LABEL = 'config-2'
VERSION_DIR = os.path.join('openstack', 'latest')
# Each tool with the arguments that make a Joliet + Rock Ridge ISO.
_TOOLS = (('genisoimage', ()), ('mkisofs', ()),
          ('xorriso', ('-as', 'mkisofs')))


def required_by(instance):
    """True when ``instance`` gets a config drive: asked for at boot
    (``config_drive``) or forced on this host (``force_config_drive``)."""
    if CONF.force_config_drive:
        return True
    value = getattr(instance, 'config_drive', None)
    if isinstance(value, str):
        return value.strip().lower() not in ('', 'false', '0', 'no')
    return bool(value)


def _public_keys(instance):
    name = getattr(instance, 'key_name', None)
    data = getattr(instance, 'key_data', None)
    if not data:
        return {}, []
    name = name or 'key'
    kind = 'x509' if data.startswith('-----BEGIN') else 'ssh'
    return {name: data}, [{'name': name, 'type': kind, 'data': data}]


def meta_data(instance, injected_files=(), admin_password=None):
    """The ``meta_data.json`` of ``instance`` as a dict."""
    public_keys, keys = _public_keys(instance)
    files = [{'path': path, 'content_path': f'/content/{n:04d}'}
             for n, (path, _) in enumerate(injected_files or ())]
    meta = {
        'uuid': instance.uuid,
        'name': getattr(instance, 'display_name', None) or '',
        'hostname': getattr(instance, 'hostname', None) or '',
        'availability_zone': getattr(instance, 'availability_zone', None),
        'launch_index': getattr(instance, 'launch_index', None) or 0,
        'project_id': getattr(instance, 'project_id', None),
        'public_keys': public_keys,
        'keys': keys,
        'meta': dict(getattr(instance, 'metadata', None) or {}),
        'devices': [],
    }
    if files:
        meta['files'] = files
    if admin_password:
        meta['admin_pass'] = admin_password
    return meta


def network_data(network_info):
    """The ``network_data.json`` of the VIFs in ``network_info``."""
    links, networks, services = [], [], []
    for vif in network_info or []:
        link_id = vif.get('devname') or f"tap{vif['id'][:11]}"
        links.append({'id': link_id, 'vif_id': vif['id'],
                      'type': vif.get('type') or 'bridge',
                      'ethernet_mac_address': vif['address'],
                      'mtu': (vif.get('network') or {}).get('mtu')})
        for subnet in (vif.get('network') or {}).get('subnets') or []:
            cidr = ipaddress.ip_network(subnet['cidr'], strict=False)
            for dns in subnet.get('dns') or []:
                address = dns.get('address') if isinstance(dns, dict) \
                    else dns
                service = {'type': 'dns', 'address': address}
                if address and service not in services:
                    services.append(service)
            for ip in subnet.get('ips') or []:
                net = {'id': f'network{len(networks)}', 'link': link_id,
                       'network_id': (vif.get('network') or {}).get('id'),
                       'type': f'ipv{cidr.version}',
                       'ip_address': ip['address'],
                       'netmask': str(cidr.netmask), 'routes': []}
                gateway = subnet.get('gateway')
                if gateway:
                    default = '0.0.0.0' if cidr.version == 4 else '::'
                    net['routes'].append({
                        'network': default,
                        'netmask': default,
                        'gateway': gateway})
                networks.append(net)
    return {'links': links, 'networks': networks, 'services': services}


def _user_data(instance):
    data = getattr(instance, 'user_data', None)
    if not data:
        return None
    if isinstance(data, bytes):
        return data
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return data.encode()


def files_for(instance, network_info=None, injected_files=(),
              admin_password=None):
    """{path inside the drive: bytes} for ``instance``."""
    def as_json(value):
        # Not sorted: uuid and name come first, as readers expect.
        return json.dumps(value).encode()
    files = {
        os.path.join(VERSION_DIR, 'meta_data.json'): as_json(meta_data(
            instance, injected_files, admin_password)),
        os.path.join(VERSION_DIR, 'network_data.json'): as_json(
            network_data(network_info)),
        os.path.join(VERSION_DIR, 'vendor_data.json'): b'{}',
    }
    user_data = _user_data(instance)
    if user_data is not None:
        files[os.path.join(VERSION_DIR, 'user_data')] = user_data
    for n, (_, contents) in enumerate(injected_files or ()):
        if isinstance(contents, str):
            contents = contents.encode()
        files[os.path.join('openstack', 'content', f'{n:04d}')] = contents
    return files


def iso_tool():
    """(command, leading arguments) of the ISO maker found, or None."""
    for name, args in _TOOLS:
        path = shutil.which(name)
        if path:
            return path, args
    return None


def make_drive(path, files):
    """Write the ISO 9660 image ``path`` (label config-2) holding
    ``files`` ({relative path: bytes})."""
    tool = iso_tool()
    if tool is None:
        raise exception.InstanceSpawnFailure(
            reason='a config drive is needed but none of genisoimage, '
                   'mkisofs or xorriso is installed on this host')
    cmd, lead = tool
    with tempfile.TemporaryDirectory(prefix='configdrive-') as tree:
        for rel, data in files.items():
            target = os.path.join(tree, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, 'wb') as f:
                f.write(data)
        args = [cmd, *lead, '-o', path, '-ldots', '-allow-lowercase',
                '-allow-multidot', '-l', '-publisher', 'OpenStack Compute',
                '-quiet', '-J', '-r', '-V', LABEL, tree]
        proc = subprocess.run(args, check=False, capture_output=True,
                              text=True)
    if proc.returncode != 0:
        raise exception.InstanceSpawnFailure(
            reason=f'{os.path.basename(cmd)} could not make the config '
                   f'drive: {proc.stderr.strip()[-500:]}')
    os.chmod(path, 0o644)
    LOG.debug('Config drive written to %s', path)
