"""Flavor helpers, and the default flavors a fresh deployment gets."""

from oslo_log import log as logging

from nova import exception, objects

LOG = logging.getLogger(__name__)

# (flavorid, name, vcpus, memory_mb, root_gb)
DEFAULT_FLAVORS = (
    ('1', 'm1.tiny', 1, 512, 1),
    ('2', 'm1.small', 1, 2048, 20),
    ('3', 'm1.medium', 2, 4096, 40),
    ('4', 'm1.large', 4, 8192, 80),
    ('5', 'm1.xlarge', 8, 16384, 160),
)


def create_default_flavors(ctxt):
    """Create m1.tiny (1) ... m1.xlarge (5) where missing; returns the
    flavors created."""
    created = []
    for flavorid, name, vcpus, memory_mb, root_gb in DEFAULT_FLAVORS:
        try:
            objects.Flavor.get_by_flavor_id(ctxt, flavorid)
            continue
        except exception.FlavorNotFound:
            pass
        flavor = objects.Flavor(
            ctxt, flavorid=flavorid, name=name, vcpus=vcpus,
            memory_mb=memory_mb, root_gb=root_gb, ephemeral_gb=0, swap=0,
            rxtx_factor=1.0, is_public=True, disabled=False,
            extra_specs={}, projects=[])
        try:
            flavor.create()
        except (exception.FlavorExists, exception.FlavorIdExists):
            # Created meanwhile by another process, or a name clash with
            # an operator's flavor: either way leave it be.
            LOG.info('Default flavor %s not created: it exists', name)
            continue
        created.append(flavor)
    return created


def extract_flavor(instance, prefix=''):
    """The flavor stored on ``instance`` (``prefix`` 'old_' / 'new_')."""
    return getattr(instance, f'{prefix}flavor')
