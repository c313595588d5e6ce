"""LibvirtDriver boots and deletes a real guest on QEMU (TCG) through the
local libvirtd.

The guest is the tiny test guest built by ``make-tiny-guest.sh`` (in the
shared tools beside the repository); the image service is
``FakeImageAPI``, serving that disk file (see ``conftest.py``).
"""

import os
import uuid

import pytest

from nova import exception
from nova.compute import power_state
from nova.tests.functional.libvirt import guests

pytestmark = pytest.mark.slow

MARKER = guests.MARKER
BRIDGE = guests.BRIDGE
_spawn = guests.spawn
_wait_for_console = guests.wait_for_console


def test_spawned_guest_boots_and_runs(drv):
    inst = _spawn(drv)
    _wait_for_console(drv, inst, MARKER)
    assert drv.get_info(inst).state == power_state.RUNNING
    # Its VNC server listens where [vnc] server_listen says, on a port
    # libvirt picked when the guest started.
    console = drv.get_vnc_console(None, inst)
    assert console.host == '127.0.0.1'
    assert console.port >= 5900


def test_guest_gets_nic_on_created_bridge(drv):
    # A new VIF id (and tap) each run, as the network service makes them.
    vif_id = str(uuid.uuid4())
    devname = 'tap' + vif_id[:11]
    vif = {'id': vif_id, 'address': 'fa:16:3e:12:34:56', 'type': 'bridge',
           'devname': devname,
           'network': {'id': 'n1', 'bridge': BRIDGE, 'subnets': []}}
    inst = _spawn(drv, network_info=[vif])
    # The whole line, not just its start: the console is read while the
    # guest writes it.
    _wait_for_console(drv, inst, 'TINY-GUEST-NIC: eth0 '
                                 'mac=fa:16:3e:12:34:56 driver=virtio_net')
    assert os.path.exists(f'/sys/class/net/{BRIDGE}/brif/{devname}')


def test_destroy_leaves_no_domain_and_no_instance_dir(drv):
    inst = _spawn(drv)
    drv.destroy(None, inst, [])
    assert drv.host.find_domain(inst.uuid) is None
    assert inst.uuid not in drv.list_instance_uuids()
    assert not os.path.exists(drv.instance_dir(inst))
    with pytest.raises(exception.InstanceNotFound):
        drv.get_info(inst)
