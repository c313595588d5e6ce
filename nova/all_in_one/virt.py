"""Which virt driver ``nova-all`` runs: libvirt where libvirtd answers."""

import importlib.util

FAKE = 'fake.FakeDriver'
LIBVIRT = 'libvirt.LibvirtDriver'
LIBVIRT_URI = 'qemu:///system'


def _libvirt_answers():
    """(True, '') if a libvirt connection to qemu:///system opens, else (False, why)."""
    try:
        import libvirt
    except ImportError:
        return False, 'libvirt-python is not installed'
    try:
        conn = libvirt.openReadOnly(LIBVIRT_URI)
    except libvirt.libvirtError as exc:
        return False, f'libvirtd does not answer on {LIBVIRT_URI} ({str(exc).strip()})'
    if conn is None:
        return False, f'libvirtd does not answer on {LIBVIRT_URI}'
    conn.close()
    return True, ''


def _libvirt_driver_exists():
    try:
        return importlib.util.find_spec('nova.virt.libvirt') is not None
    except ImportError:
        return False


def choose(requested=None):
    """(compute_driver, reason) for ``--virt`` ``requested`` (None = auto).

    Raises RuntimeError when libvirt is asked for and libvirtd is not there.
    """
    if requested == 'fake':
        return FAKE, 'fake driver requested with --virt fake'
    if not _libvirt_driver_exists():
        return FAKE, ('the libvirt driver (nova.virt.libvirt) is not part of '
                      'this release yet; using the fake driver')
    ok, why = _libvirt_answers()
    if ok:
        return LIBVIRT, f'libvirtd answers on {LIBVIRT_URI}'
    if requested == 'libvirt':
        raise RuntimeError(f'--virt libvirt: {why}')
    return FAKE, f'{why}; using the fake driver'
