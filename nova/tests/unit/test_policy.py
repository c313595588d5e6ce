"""Default policies: the admin, project member and project reader personas."""

import pytest

import nova.conf
from nova import context, exception, policies, policy

CONF = nova.conf.CONF


@pytest.fixture(autouse=True)
def conf():
    CONF([], project='nova', default_config_files=[])
    policy.reset()
    yield
    CONF.reset()
    policy.reset()


def _ctxt(roles, project='p1', user='u1'):
    return context.RequestContext(user_id=user, project_id=project,
                                  roles=roles)


def test_every_rule_has_a_description():
    for rule in policies.list_rules():
        assert rule.description, rule.name


def test_member_may_create_servers_in_own_project():
    ctxt = _ctxt(['member', 'reader'])
    assert policy.authorize(ctxt, 'os_compute_api:servers:create',
                            {'project_id': 'p1'})


def test_member_may_not_delete_other_projects_servers():
    ctxt = _ctxt(['member', 'reader'])
    with pytest.raises(exception.PolicyNotAuthorized):
        policy.authorize(ctxt, 'os_compute_api:servers:delete',
                         {'project_id': 'p2'})


def test_reader_may_list_but_not_create():
    ctxt = _ctxt(['reader'])
    assert policy.authorize(ctxt, 'os_compute_api:servers:index',
                            {'project_id': 'p1'})
    assert not policy.authorize(ctxt, 'os_compute_api:servers:create',
                                {'project_id': 'p1'}, do_raise=False)


def test_admin_may_act_on_any_project():
    ctxt = _ctxt(['admin'])
    assert policy.authorize(ctxt, 'os_compute_api:servers:delete',
                            {'project_id': 'p2'})
    assert policy.authorize(ctxt, 'os_compute_api:os-flavor-manage:create',
                            {})


def test_flavor_manage_is_admin_only():
    with pytest.raises(exception.PolicyNotAuthorized) as err:
        policy.authorize(_ctxt(['member']),
                         'os_compute_api:os-flavor-manage:create', {})
    assert 'os-flavor-manage:create' in str(err.value)


def test_keypairs_belong_to_their_user():
    ctxt = _ctxt(['member'])
    assert policy.authorize(ctxt, 'os_compute_api:os-keypairs:index',
                            {'user_id': 'u1'})
    assert not policy.authorize(ctxt, 'os_compute_api:os-keypairs:index',
                                {'user_id': 'u2'}, do_raise=False)


def test_context_can_uses_policy():
    ctxt = _ctxt(['reader'])
    assert ctxt.can('os_compute_api:servers:show', fatal=False)
    assert not ctxt.can('os_compute_api:servers:index:get_all_tenants',
                        fatal=False)


def test_unknown_rule_is_an_error():
    from oslo_policy import policy as oslo_policy
    with pytest.raises(oslo_policy.PolicyNotRegistered):
        policy.authorize(_ctxt(['admin']), 'os_compute_api:nope', {})
