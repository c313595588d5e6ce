"""/os-server-groups: groups of servers placed by an (anti-)affinity
policy. Servers join a group with the ``group`` scheduler hint of
POST /servers (see ``nova.compute.server_group``).

From 2.64 a group has one ``policy`` (a string, instead of the one-item
``policies`` list) and ``rules``: ``max_server_per_host``, for an
anti-affinity group only, lets that many members share a host (the
scheduler enforces it); ``metadata`` is gone from the views.
"""

from oslo_utils import uuidutils

from nova import exception, objects, quota
from nova.api import validation, wsgi
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import common
from nova.api.openstack.compute.schemas import server_groups as schema
from nova.i18n import _


class RulesNotAllowed(exception.Invalid):
    msg_fmt = _('Only the anti-affinity policy takes rules; %(policy)s '
                'does not.')


def _live_members(ctxt, groups):
    """{group uuid: members} without the servers deleted or being
    deleted: the member rows outlive their servers."""
    uuids = {m for g in groups for m in g.members}
    if not uuids:
        return {g.uuid: [] for g in groups}
    live = {m.instance_uuid for m in
            objects.InstanceMappingList.get_by_instance_uuids(
                ctxt, sorted(uuids)) if not m.queued_for_delete}
    return {g.uuid: [m for m in g.members if m in live] for g in groups}


def _view(req, group, members):
    if avr.is_supported(req, '2.64'):
        rules = dict(group.rules or {}) if 'rules' in group else {}
        if 'max_server_per_host' in rules:
            rules['max_server_per_host'] = int(rules['max_server_per_host'])
        return {'id': group.uuid, 'name': group.name,
                'policy': group.policy, 'rules': rules, 'members': members,
                'project_id': group.project_id, 'user_id': group.user_id}
    body = {'id': group.uuid, 'name': group.name,
            'policies': list(group.policies), 'members': members,
            'metadata': {}}
    if avr.is_supported(req, '2.13'):
        body['project_id'] = group.project_id
        body['user_id'] = group.user_id
    return body


class ServerGroupController:

    def _get(self, req, id, action):
        group = objects.InstanceGroup.get_by_uuid(req.context, id)
        req.context.can(f'os_compute_api:os-server-groups:{action}',
                        target={'project_id': group.project_id,
                                'user_id': group.user_id})
        return group

    @validation.query_schema(schema.index_query)
    def index(self, req):
        ctxt = req.context
        ctxt.can('os_compute_api:os-server-groups:index',
                 target={'project_id': ctxt.project_id})
        project_id = ctxt.project_id
        if 'all_projects' in req.GET:
            ctxt.can('os_compute_api:os-server-groups:index:all_projects',
                     target={'project_id': ctxt.project_id})
            project_id = None
        limit, _marker = common.get_limit_and_marker(req)
        offset = common.db_int(req.GET.get('offset', 0))
        groups = objects.InstanceGroupList.get_all(
            ctxt, project_id=project_id, limit=limit, offset=offset)
        members = _live_members(ctxt, groups)
        return {'server_groups': [_view(req, g, members[g.uuid])
                                  for g in groups]}

    def show(self, req, id):
        group = self._get(req, id, 'show')
        members = _live_members(req.context, [group])
        return {'server_group': _view(req, group, members[group.uuid])}

    @validation.schema(schema.create_v264, '2.64')
    @validation.schema(schema.create_v215, '2.15', '2.63')
    @validation.schema(schema.create, '2.0', '2.14')
    def create(self, req, body):
        ctxt = req.context
        ctxt.can('os_compute_api:os-server-groups:create',
                 target={'project_id': ctxt.project_id,
                         'user_id': ctxt.user_id})
        spec = body['server_group']
        if avr.is_supported(req, '2.64'):
            policies = [spec['policy']]
            rules = {k: str(v) for k, v in (spec.get('rules') or {}).items()}
            if rules and spec['policy'] != 'anti-affinity':
                raise RulesNotAllowed(policy=spec['policy'])
        else:
            policies, rules = list(spec['policies']), {}
        quota.check_server_groups(ctxt, ctxt.project_id, ctxt.user_id)
        group = objects.InstanceGroup(
            ctxt, uuid=uuidutils.generate_uuid(), name=spec['name'],
            project_id=ctxt.project_id, user_id=ctxt.user_id,
            policies=policies, rules=rules, members=[])
        group.create()
        return {'server_group': _view(req, group, [])}

    @wsgi.response(204)
    def delete(self, req, id):
        group = self._get(req, id, 'delete')
        try:
            group.destroy()
        except exception.NotFound:
            # Deleted by someone else meanwhile: the same outcome.
            pass
