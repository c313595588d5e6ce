"""Entry point for oslo-config-generator: every option nova registers."""

import collections

from oslo_config import cfg


def list_opts():
    import nova.conf
    by_group = collections.defaultdict(list)
    for module in nova.conf.MODULES:
        for group, opts in module.list_opts().items():
            name = group.name if isinstance(group, cfg.OptGroup) else group
            by_group[name].extend(opts)
    return sorted(by_group.items(), key=lambda item: item[0])


def set_defaults(conf=None):
    """Defaults nova sets on options that libraries own."""
    from nova.conf import database, rpc
    database.set_defaults(conf or cfg.CONF)
    rpc.set_messaging_defaults(conf or cfg.CONF)
