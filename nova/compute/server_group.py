"""The ``group`` scheduler hint of a boot: the server joins the group.

``check_boot`` runs before anything of the boot is written (the group
must exist and the user's ``server_group_members`` quota must allow the
new servers); ``add_members`` runs once the build requests are written,
records the members and gives each RequestSpec its group, where the
scheduler's affinity filters read the policy.
"""

from nova import exception, objects, quota
from nova.i18n import _


class ServerGroupNotFoundForBoot(exception.Invalid):
    msg_fmt = _('The group scheduler hint names server group %(group)s, '
                'which does not exist.')


def _group_hint(scheduler_hints):
    value = (scheduler_hints or {}).get('group')
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    return value or None


def check_boot(ctxt, scheduler_hints, count):
    """The group the boot joins (or None), after its checks."""
    group_uuid = _group_hint(scheduler_hints)
    if group_uuid is None:
        return None
    try:
        group = objects.InstanceGroup.get_by_uuid(ctxt, str(group_uuid))
    except exception.NotFound:
        raise ServerGroupNotFoundForBoot(group=group_uuid)
    quota.check_server_group_members(ctxt, group, count)
    return group


def add_members(ctxt, scheduler_hints, request_specs):
    """Put the booted instances in the hinted group, if any; if that
    puts the user over the ``server_group_members`` quota, take them
    out again and raise ServerGroupMembersQuotaExceeded."""
    group_uuid = _group_hint(scheduler_hints)
    if group_uuid is None or not request_specs:
        return
    uuids = [s.instance_uuid for s in request_specs]
    added = objects.InstanceGroup.add_members(ctxt, str(group_uuid), uuids)
    group = objects.InstanceGroup.get_by_uuid(ctxt, str(group_uuid))
    try:
        # The recheck: racing boots into the group may have passed
        # check_boot together.
        quota.check_server_group_members(ctxt, group, 0)
    except quota.ServerGroupMembersQuotaExceeded as exc:
        objects.InstanceGroup.remove_members(ctxt, str(group_uuid), added)
        # Say it as the first check would have: what was there, and
        # what this request asked for.
        raise quota.ServerGroupMembersQuotaExceeded(
            group_uuid=group.uuid, used=exc.kwargs['used'] - len(added),
            allowed=exc.kwargs['allowed'], req=len(added))
    for spec in request_specs:
        spec.instance_group = group
        spec.save()
