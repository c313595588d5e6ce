"""The libvirt connection of one compute host and what it tells about the
host.

The connection is opened on first use and reopened when libvirtd went
away (restarted, crashed): every caller goes through
:meth:`Host.get_connection`. The capabilities XML does not change while
libvirtd runs, so it is probed once and cached.
"""

import os
import threading
import xml.etree.ElementTree as ET

from oslo_log import log as logging
from oslo_utils import importutils

from nova import exception
from nova.objects import fields

LOG = logging.getLogger(__name__)

# libvirt-python is optional: only hosts that run this driver need it.
libvirt = importutils.try_import('libvirt')
if libvirt is not None:
    # libvirt prints every error to stderr by default, expected ones (a
    # lookup of a deleted guest) included; the driver logs what matters.
    libvirt.registerErrorHandler(lambda ctx, err: None, None)


class Capabilities:
    """What the capabilities XML says of the host and its hypervisor."""

    def __init__(self, xml):
        root = ET.fromstring(xml)
        cpu = root.find('host/cpu')
        self.arch = cpu.findtext('arch') if cpu is not None else None
        self.cpu_model = cpu.findtext('model') if cpu is not None else None
        self.cpu_vendor = cpu.findtext('vendor') if cpu is not None else None
        topology = cpu.find('topology') if cpu is not None else None
        self.topology = {
            key: int(topology.get(key, 1)) if topology is not None else 1
            for key in ('sockets', 'cores', 'threads')}
        self.features = sorted(
            f.get('name') for f in (cpu.findall('feature')
                                    if cpu is not None else []))
        # {arch: set of domain types}, e.g. {'x86_64': {'qemu', 'kvm'}}
        self.domain_types = {}
        for guest in root.findall('guest'):
            arch = guest.find('arch')
            if arch is None:
                continue
            types = self.domain_types.setdefault(arch.get('name'), set())
            types.update(d.get('type') for d in arch.findall('domain'))


class Host:
    """The hypervisor host reached at ``uri``."""

    def __init__(self, uri):
        self.uri = uri
        # What logs and errors show: a URI may carry a password.
        self.display_uri = fields.mask_url(uri)
        self._conn = None
        self._caps = None
        self._lock = threading.Lock()
        # Called with each newly opened connection (event registration).
        self.on_connect = None

    def _open(self):
        if libvirt is None:
            raise exception.ServiceUnavailable(
                reason='the libvirt-python module is not installed '
                       '(run tools/setup-libvirt)')
        LOG.info('Connecting to libvirt at %s', self.display_uri)
        try:
            return libvirt.open(self.uri)
        except libvirt.libvirtError as exc:
            raise exception.ServiceUnavailable(
                reason=f'cannot connect to libvirt at {self.display_uri}: {exc}')

    def get_connection(self):
        """The open ``virConnect``, (re)opened when needed."""
        with self._lock:
            conn = self._conn
            if conn is not None:
                try:
                    alive = conn.isAlive()
                except libvirt.libvirtError:
                    alive = False
                if alive:
                    return conn
                LOG.warning('The connection to libvirt at %s was lost; '
                            'reconnecting', self.display_uri)
                try:
                    conn.close()
                except libvirt.libvirtError:
                    pass
                self._conn = None
            self._conn = self._open()
            if self.on_connect is not None:
                self.on_connect(self._conn)
            return self._conn

    def close(self):
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.close()
                except libvirt.libvirtError:
                    pass
                self._conn = None

    def get_capabilities(self):
        """The host's :class:`Capabilities`, probed once."""
        if self._caps is None:
            self._caps = Capabilities(
                self.get_connection().getCapabilities())
        return self._caps

    # -- resources ------------------------------------------------------------

    def get_hostname(self):
        return self.get_connection().getHostname()

    def get_hypervisor_type(self):
        return self.get_connection().getType()

    def get_hypervisor_version(self):
        return self.get_connection().getVersion()

    def get_cpu_count(self):
        return self.get_connection().getInfo()[2]

    def get_memory_mb_total(self):
        return self.get_connection().getInfo()[1]

    def get_memory_mb_used(self):
        """Host memory in use by anything, guests included."""
        free_mb = self.get_connection().getFreeMemory() // (1024 * 1024)
        return max(self.get_memory_mb_total() - free_mb, 0)

    @staticmethod
    def get_disk_gb(path):
        """(total, used) GiB of the filesystem holding ``path``."""
        st = os.statvfs(path)
        total = st.f_blocks * st.f_frsize
        free = st.f_bavail * st.f_frsize
        gib = 1024 ** 3
        return total // gib, (total - free) // gib

    # -- guests ---------------------------------------------------------------

    def list_domains(self):
        """Every domain libvirt knows, running or not."""
        return self.get_connection().listAllDomains(0)

    def find_domain(self, uuid):
        """The domain with ``uuid``, or None when libvirt has none."""
        try:
            return self.get_connection().lookupByUUIDString(uuid)
        except libvirt.libvirtError as exc:
            if exc.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
                return None
            raise
