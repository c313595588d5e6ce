"""[conductor] options."""

from oslo_config import cfg

group = cfg.OptGroup('conductor', title='Conductor options')

opts = [
    cfg.IntOpt('workers', default=1, min=1,
               help='Processes of nova-conductor (this implementation '
                    'serves with threads in one process).'),
    cfg.IntOpt('schedule_retry_timeout', default=60, min=0,
               help='Seconds nova-conductor keeps trying to schedule a '
                    'build whose scheduling failed for a passing reason: '
                    'Placement unreachable, nova-scheduler not answering, '
                    'or no host while compute services that reported '
                    'recently are down (restarting). Retries back off '
                    'from 1 to 10 s; 0 fails at once.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
