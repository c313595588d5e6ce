"""[DEFAULT] deadlines of transient states: how long an operation may make
no progress before the service that owns it gives up on it."""

from oslo_config import cfg

opts = [
    cfg.IntOpt('task_state_timeout', default=1800, min=0,
               help='Seconds an instance may hold a task_state (or stay in '
                    'BUILD) with no service working on it and no change '
                    'saved, before it is ended: nova-compute ends the '
                    'stalled tasks of the instances on its host (a lost '
                    'request, an operation cut off), nova-conductor those '
                    'of instances whose compute service is down or that no '
                    'compute took, and the build requests never '
                    'scheduled. The instance goes back to its stable state '
                    'or to ERROR, with a fault that names the cause; an '
                    'interrupted delete is finished. 0 disables it.'),
    cfg.IntOpt('task_state_poll_interval', default=60, min=1,
               help='Seconds between two looks for stalled task states '
                    '(see task_state_timeout), in nova-compute and '
                    'nova-conductor.'),
]


def register_opts(conf):
    conf.register_opts(opts)


def list_opts():
    return {'DEFAULT': opts}
