"""Authorization with oslo.policy and the defaults in ``nova.policies``."""

import threading

from oslo_config import cfg
from oslo_policy import policy

from nova import exception, policies

_ENFORCER = None
_LOCK = threading.Lock()


def reset():
    global _ENFORCER
    with _LOCK:
        if _ENFORCER is not None:
            _ENFORCER.clear()
        _ENFORCER = None


def get_enforcer():
    """The process's Enforcer (also used by oslopolicy-* tools)."""
    global _ENFORCER
    with _LOCK:
        if _ENFORCER is None:
            _ENFORCER = policy.Enforcer(cfg.CONF)
            _ENFORCER.register_defaults(policies.list_rules())
        return _ENFORCER


def authorize(context, action, target=None, do_raise=True, exc=None):
    """Check ``action`` on ``target`` for ``context``.

    Raises ``PolicyNotAuthorized`` (403) when denied and ``do_raise``;
    otherwise returns the result.
    """
    enforcer = get_enforcer()
    if target is None:
        target = {'project_id': context.project_id,
                  'user_id': context.user_id}
    kwargs = {}
    if do_raise:
        kwargs = {'do_raise': True,
                  'exc': exc or exception.PolicyNotAuthorized,
                  'action': action}
    try:
        return enforcer.authorize(action, target, context, **kwargs)
    except policy.PolicyNotRegistered:
        raise
    except policy.InvalidScope:
        if do_raise:
            raise exception.PolicyNotAuthorized(action=action)
        return False


def check_is_admin(context):
    """True when the context passes the 'context_is_admin' rule."""
    enforcer = get_enforcer()
    return enforcer.authorize('context_is_admin',
                              {'project_id': context.project_id},
                              context)
