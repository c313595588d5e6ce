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
                    '(create, delete); they go through '
                    '[oslo_messaging_notifications].'),
    cfg.ListOpt('versioned_notifications_topics',
                default=['versioned_notifications'],
                help='Topics versioned notifications are sent to.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
