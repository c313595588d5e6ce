"""The libvirt driver driven the way users drive it: through the Compute
REST API of a ``nova-all --virt libvirt`` (a child process: its
configuration and bus are its own), with real QEMU (TCG) guests of the
tiny test image uploaded to its real Glance.

One server goes through the actions in turn (each boot costs seconds
under TCG); the tests run in file order and share it. Everything the run
makes (the process and its Glance, domains, instance directories, the
bridge) goes at the end, even when a test failed.
"""

import os
import shutil
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET

import pytest
import requests

from nova.tests.functional import fixtures
from nova.tests.functional.libvirt import guests

libvirt = guests.libvirt

pytestmark = pytest.mark.slow

START_TIMEOUT = 180
BOOT = guests.BOOT_TIMEOUT
MARKER = guests.MARKER
# Its own bridge per run (15 characters at most), not another run's.
BRIDGE = f'brrest{os.getpid() % 100000}'
# The tiny guest ignores ACPI, so a clean stop or a soft reboot waits
# this long before the driver pulls the plug.
GRACE = 3
ACTION_TIMEOUT = 120


class NovaAll(fixtures.NovaAllProcess):
    """``nova-all --virt libvirt`` in a child process, state in
    ``workdir``."""

    def __init__(self, workdir):
        super().__init__(
            os.path.join(workdir, 'state'),
            os.path.join(workdir, 'nova-all.out'), virt='libvirt',
            conf_text=f"""[DEFAULT]
allow_resize_to_same_host = true
shutdown_timeout = {GRACE}
[libvirt]
virt_type = qemu
connection_uri = {guests.URI}
wait_soft_reboot_seconds = {GRACE}
[network]
flat_network_bridge = {BRIDGE}
""", start_timeout=START_TIMEOUT)
        self.workdir = workdir
        self.instances_path = os.path.join(self.state_path, 'instances')

    def log_tail(self, chars=6000):
        path = os.path.join(self.state_path, 'log', 'nova-all.log')
        try:
            with open(path, errors='replace') as f:
                return f.read()[-chars:]
        except OSError:
            return ''


def _remove_leftover_domains(instances_path):
    """Domains whose files are under ``instances_path`` (this run's)."""
    conn = libvirt.open(guests.URI)
    try:
        for dom in conn.listAllDomains(0):
            try:
                if instances_path not in dom.XMLDesc(0):
                    continue
                if dom.isActive():
                    dom.destroy()
                dom.undefineFlags(
                    libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE
                    | libvirt.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)
            except libvirt.libvirtError as exc:
                print(f'cannot remove domain {dom.name()}: {exc}')
    finally:
        conn.close()


@pytest.fixture(scope='module')
def cloud(tiny_guest_dir):
    # Under /tmp with o+x all the way: QEMU runs as libvirt-qemu.
    workdir = tempfile.mkdtemp(prefix='nova-rest-', dir='/tmp')
    os.chmod(workdir, 0o755)
    bridge_existed = os.path.exists(f'/sys/class/net/{BRIDGE}')
    nova_all = NovaAll(workdir)
    try:
        nova_all.start()
        yield nova_all
    finally:
        nova_all.stop()
        _remove_leftover_domains(nova_all.instances_path)
        if not bridge_existed:
            subprocess.run(['ip', 'link', 'del', BRIDGE], check=False,
                           capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope='module')
def api(cloud):
    return fixtures.ComputeClient(cloud.endpoints.api_url)


@pytest.fixture(scope='module')
def placement(cloud):
    return fixtures.PlacementClient(cloud.endpoints.placement_url)


def _upload(glance_url, name, path, disk_format):
    """A public image of the file at ``path``, through Glance's API."""
    resp = requests.post(f'{glance_url}/v2/images', json={
        'name': name, 'disk_format': disk_format,
        'container_format': 'bare', 'visibility': 'public'}, timeout=30)
    assert resp.status_code == 201, resp.text
    image_id = resp.json()['id']
    with open(path, 'rb') as data:
        resp = requests.put(
            f'{glance_url}/v2/images/{image_id}/file', data=data,
            headers={'Content-Type': 'application/octet-stream'},
            timeout=60)
    assert resp.status_code == 204, resp.text
    _wait_for_image(glance_url, image_id)
    return image_id


def _wait_for_image(glance_url, image_id, timeout=ACTION_TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        image = requests.get(f'{glance_url}/v2/images/{image_id}',
                             timeout=30).json()
        if image['status'] == 'active':
            return image
        assert image['status'] in ('queued', 'saving', 'importing'), image
        assert time.monotonic() < deadline, image
        time.sleep(0.5)


def _poweroff_disk(tiny_guest_dir, out):
    """A copy of the tiny disk whose boot loader adds ``tiny.poweroff``:
    the guest powers itself off once it has booted."""
    shutil.copy(os.path.join(tiny_guest_dir, 'disk.raw'), out)
    cfg = os.path.join(os.path.dirname(out), 'syslinux.cfg')
    with open(cfg, 'w') as f:
        f.write('SERIAL 0 115200\nDEFAULT tiny\nPROMPT 0\nTIMEOUT 0\n'
                'LABEL tiny\n  KERNEL /vmlinuz\n  INITRD /initrd.img\n'
                '  APPEND console=ttyS0 panic=-1 tiny.poweroff\n')
    # The FAT partition starts at 1 MiB (make-tiny-guest.sh).
    subprocess.run(['mcopy', '-o', '-i', f'{out}@@1M', cfg,
                    '::/syslinux.cfg'], check=True, capture_output=True)
    return out


@pytest.fixture(scope='module')
def images(cloud, tiny_guest, tiny_guest_dir):
    glance = cloud.endpoints.glance_url
    poweroff = _poweroff_disk(tiny_guest_dir,
                              os.path.join(cloud.workdir, 'poweroff.raw'))
    return {'tiny': _upload(glance, 'tiny-guest', tiny_guest, 'qcow2'),
            'poweroff': _upload(glance, 'tiny-poweroff', poweroff, 'raw')}


@pytest.fixture(scope='module')
def flavors(api):
    made = {}
    for name, ram, vcpus, disk in (('rest.small', 256, 1, 1),
                                   ('rest.big', 384, 2, 2)):
        resp = api.post('/flavors', json={'flavor': {
            'name': name, 'ram': ram, 'vcpus': vcpus, 'disk': disk}})
        assert resp.status_code == 200, resp.text
        made[name] = resp.json()['flavor']['id']
    return made


# -- helpers ------------------------------------------------------------------


def _console(api, server_id):
    resp = api.post(f'/servers/{server_id}/action',
                    json={'os-getConsoleOutput': {}})
    # Allowed in every state these tests wait in (rescue and
    # verify-resize included).
    assert resp.status_code == 200, resp.text
    return resp.json()['output']


def _wait_for_console(api, server_id, text, after=None, timeout=BOOT):
    """The console output once ``text`` is in it; with ``after`` (an
    earlier output), only once it is in what came since: a guest that
    starts again starts a new log, one that reboots in place adds to
    it."""
    deadline = time.monotonic() + timeout
    output = ''
    while time.monotonic() < deadline:
        output = _console(api, server_id)
        new = output
        if after is not None and output.startswith(after):
            new = output[len(after):]
        if text in new:
            return output
        time.sleep(1)
    pytest.fail(f'{text} not on the console of {server_id} after '
                f'{timeout} s; console:\n{output[-3000:]}')


def _line(output, prefix):
    lines = [line[len(prefix):] for line in output.splitlines()
             if line.startswith(prefix)]
    assert len(lines) == 1, output
    return lines[0]


def _action(api, server_id, body, status, cloud, timeout=ACTION_TIMEOUT):
    resp = api.post(f'/servers/{server_id}/action', json=body)
    assert resp.status_code in (200, 202, 204), resp.text
    return _wait(api, server_id, status, cloud, timeout)


def _wait(api, server_id, status, cloud, timeout=ACTION_TIMEOUT):
    """The server once it has ``status`` and no task."""
    deadline = time.monotonic() + timeout
    while True:
        server = api.get_server(server_id)
        if server['status'] == status and \
                server['OS-EXT-STS:task_state'] is None:
            return server
        if server['status'] == 'ERROR' or time.monotonic() > deadline:
            pytest.fail(f'server {server_id} is {server["status"]} '
                        f'({server["OS-EXT-STS:task_state"]}), not {status}'
                        f': {server.get("fault")}\nlog:\n{cloud.log_tail()}')
        time.sleep(0.5)


def _domain(server_id):
    conn = libvirt.open(guests.URI)
    try:
        return conn.lookupByUUIDString(server_id)
    except libvirt.libvirtError as exc:
        if exc.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
            return None
        raise


def _domain_state(server_id):
    return _domain(server_id).state()[0]


def _boot(api, cloud, name, image_id, flavor_id, **extra):
    server = api.create_server(name, image_id, flavor_ref=flavor_id,
                               **extra)
    _wait(api, server['id'], 'ACTIVE', cloud, timeout=BOOT)
    return server['id']


def _delete(api, server_id):
    resp = api.delete(f'/servers/{server_id}')
    assert resp.status_code in (204, 404), resp.text
    api.wait_until_gone(server_id, timeout=ACTION_TIMEOUT)


@pytest.fixture(scope='module')
def server(api, cloud, images, flavors):
    """The server the actions go through (deleted by the last test)."""
    ids = []
    try:
        ids.append(_boot(api, cloud, 'rest-1', images['tiny'],
                         flavors['rest.small'], config_drive=True,
                         metadata={'role': 'rest-test'}))
        yield ids[0]
    finally:
        for server_id in ids:
            _delete(api, server_id)


# -- the tests, in order --------------------------------------------------------


def test_boots_and_reads_its_config_drive(api, server):
    output = _wait_for_console(api, server, 'TINY-GUEST-READY')
    assert MARKER in output
    assert _line(output, 'TINY-GUEST-CONFIGDRIVE: ').strip() == '/dev/sr0'
    metadata = _line(output, 'TINY-GUEST-METADATA: ')
    assert f'"uuid": "{server}"' in metadata
    assert '"role": "rest-test"' in metadata
    assert _domain_state(server) == libvirt.VIR_DOMAIN_RUNNING


@pytest.mark.parametrize('reboot_type', ['SOFT', 'HARD'])
def test_reboot_boots_the_guest_again(api, cloud, server, reboot_type):
    before = _wait_for_console(api, server, 'TINY-GUEST-READY')
    _action(api, server, {'reboot': {'type': reboot_type}}, 'ACTIVE', cloud)
    _wait_for_console(api, server, 'TINY-GUEST-READY', after=before)
    assert _domain_state(server) == libvirt.VIR_DOMAIN_RUNNING


def test_stop_and_start(api, cloud, server):
    before = _wait_for_console(api, server, 'TINY-GUEST-READY')
    stopped = _action(api, server, {'os-stop': None}, 'SHUTOFF', cloud)
    assert stopped['OS-EXT-STS:power_state'] == 4      # SHUTDOWN
    assert _domain_state(server) == libvirt.VIR_DOMAIN_SHUTOFF
    started = _action(api, server, {'os-start': None}, 'ACTIVE', cloud)
    assert started['OS-EXT-STS:power_state'] == 1      # RUNNING
    _wait_for_console(api, server, 'TINY-GUEST-READY', after=before)


def test_pause_and_unpause(api, cloud, server):
    paused = _action(api, server, {'pause': None}, 'PAUSED', cloud)
    assert paused['OS-EXT-STS:power_state'] == 3       # PAUSED
    assert _domain_state(server) == libvirt.VIR_DOMAIN_PAUSED
    _action(api, server, {'unpause': None}, 'ACTIVE', cloud)
    assert _domain_state(server) == libvirt.VIR_DOMAIN_RUNNING
    # Still the same guest: it did not boot again.
    assert _console(api, server).count(MARKER) == 1


def test_suspend_and_resume(api, cloud, server):
    suspended = _action(api, server, {'suspend': None}, 'SUSPENDED', cloud)
    assert suspended['OS-EXT-STS:power_state'] == 7    # SUSPENDED
    dom = _domain(server)
    assert dom.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF
    assert dom.hasManagedSaveImage(0)
    _action(api, server, {'resume': None}, 'ACTIVE', cloud)
    # Restored from its saved memory, not booted.
    assert tuple(_domain(server).state()) == (
        libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_RESTORED)


def test_snapshot_boots_a_second_server(api, cloud, server, flavors):
    resp = api.post(f'/servers/{server}/action',
                    json={'createImage': {'name': 'rest-snap'}})
    assert resp.status_code == 202, resp.text
    image_id = resp.json()['image_id']
    _wait(api, server, 'ACTIVE', cloud)
    image = _wait_for_image(cloud.endpoints.glance_url, image_id)
    assert image['disk_format'] in ('qcow2', 'raw')
    assert _domain_state(server) == libvirt.VIR_DOMAIN_RUNNING

    second = _boot(api, cloud, 'rest-from-snap', image_id,
                   flavors['rest.small'])
    try:
        _wait_for_console(api, second, 'TINY-GUEST-READY')
    finally:
        _delete(api, second)


def _domain_size(server_id):
    root = ET.fromstring(_domain(server_id).XMLDesc(0))
    return root.findtext('vcpu'), int(root.findtext('memory'))


def test_resize_and_confirm(api, cloud, server, flavors):
    assert _domain_size(server) == ('1', 256 * 1024)
    before = _console(api, server)
    _action(api, server, {'resize': {'flavorRef': flavors['rest.big']}},
            'VERIFY_RESIZE', cloud)
    assert _domain_size(server) == ('2', 384 * 1024)
    _wait_for_console(api, server, 'TINY-GUEST-READY', after=before)
    resized = _action(api, server, {'confirmResize': None}, 'ACTIVE', cloud)
    assert resized['flavor']['original_name'] == 'rest.big'
    assert not os.path.exists(
        os.path.join(cloud.instances_path, server + '_resize'))
    assert _domain_state(server) == libvirt.VIR_DOMAIN_RUNNING


def _disks(server_id):
    root = ET.fromstring(_domain(server_id).XMLDesc(0))
    return {d.find('target').get('dev'): os.path.basename(
        d.find('source').get('file'))
        for d in root.findall('devices/disk') if d.get('device') == 'disk'}


def test_rescue_and_unrescue(api, cloud, server):
    before = _wait_for_console(api, server, 'TINY-GUEST-READY')
    resp = api.post(f'/servers/{server}/action', json={'rescue': {}})
    assert resp.status_code == 200, resp.text
    _wait(api, server, 'RESCUE', cloud)
    # The rescue disk boots first; the server's own disk is second.
    assert _disks(server) == {'vda': 'disk.rescue', 'vdb': 'disk'}
    output = _wait_for_console(api, server, 'TINY-GUEST-READY',
                               after=before)
    assert {'vda1', 'vdb1'} <= set(_line(output, 'TINY-GUEST-BLK: ').split())

    _action(api, server, {'unrescue': None}, 'ACTIVE', cloud)
    assert _disks(server) == {'vda': 'disk'}
    output = _wait_for_console(api, server, 'TINY-GUEST-READY',
                               after=output)
    blk = set(_line(output, 'TINY-GUEST-BLK: ').split())
    assert 'vda1' in blk and 'vdb' not in blk
    assert not os.path.exists(os.path.join(
        cloud.instances_path, server, 'disk.rescue'))


def test_delete_leaves_nothing_behind(api, cloud, placement, server):
    root = ET.fromstring(_domain(server).XMLDesc(0))
    taps = [i.find('target').get('dev')
            for i in root.findall('devices/interface')]
    assert taps, 'the server has no NIC'
    assert placement.allocations(server)

    _delete(api, server)

    assert _domain(server) is None
    assert not os.path.exists(os.path.join(cloud.instances_path, server))
    for tap in taps:
        assert not os.path.exists(f'/sys/class/net/{tap}')
        assert not os.path.exists(f'/sys/class/net/{BRIDGE}/brif/{tap}')
    # The compute removes the allocation just after the soft delete that
    # makes the server 404 (as Nova orders it): give it a moment.
    deadline = time.monotonic() + 10
    while placement.allocations(server) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert placement.allocations(server) == {}


def test_guest_powering_itself_off_is_shutoff(api, cloud, images, flavors):
    server_id = _boot(api, cloud, 'rest-poweroff', images['poweroff'],
                      flavors['rest.small'])
    try:
        _wait_for_console(api, server_id, 'TINY-GUEST-POWEROFF')
        off = time.monotonic()
        # From the lifecycle event: the periodic sync is minutes away.
        while (shown := api.get_server(server_id))['status'] != 'SHUTOFF':
            assert time.monotonic() - off < 10, shown
            time.sleep(0.2)
        assert shown['OS-EXT-STS:power_state'] == 4     # SHUTDOWN
        assert shown['OS-EXT-STS:vm_state'] == 'stopped'
    finally:
        _delete(api, server_id)
    assert _domain(server_id) is None
