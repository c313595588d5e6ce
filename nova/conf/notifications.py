"""[notifications]: which notifications nova sends."""

from oslo_config import cfg

group = cfg.OptGroup('notifications', title='Notification options')

opts = [
    cfg.StrOpt('notification_format', default='none',
               choices=[('none', 'send no notification'),
                        ('versioned', 'versioned notifications only'),
                        ('unversioned', 'legacy unversioned ones only'),
                        ('both', 'both kinds')],
               help='Which notifications nova emits on instance events '
                    '(instance.<action>.start/end/error); they go through '
                    '[oslo_messaging_notifications].'),
    cfg.StrOpt('notify_on_state_change',
               choices=[(None, 'no instance.update notification'),
                        ('vm_state', 'when the vm_state changes'),
                        ('vm_and_task_state',
                         'when the vm_state or the task_state changes')],
               help='Send instance.update when a save changes an '
                    "instance's state (or its name or description) and "
                    'notification_format sends any. Each such save reads '
                    'the former state first: one more SELECT.'),
    cfg.ListOpt('versioned_notifications_topics',
                default=['versioned_notifications'],
                help='Topics versioned notifications are sent to.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
