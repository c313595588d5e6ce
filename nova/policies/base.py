"""The personas the default rules are built from."""

from oslo_policy import policy

ADMIN = 'rule:context_is_admin'
PROJECT_MEMBER = 'role:member and project_id:%(project_id)s'
PROJECT_READER = 'role:reader and project_id:%(project_id)s'
PROJECT_MEMBER_OR_ADMIN = 'rule:project_member_or_admin'
PROJECT_READER_OR_ADMIN = 'rule:project_reader_or_admin'
ANY = '@'

rules = [
    policy.RuleDefault('context_is_admin', 'role:admin',
                       'Who is an administrator of the whole cloud.'),
    policy.RuleDefault('project_member_or_admin',
                       f'{PROJECT_MEMBER} or {ADMIN}',
                       'A member of the target project, or an admin.'),
    policy.RuleDefault('project_reader_or_admin',
                       f'{PROJECT_READER} or {ADMIN}',
                       'A reader of the target project, or an admin.'),
]


def list_rules():
    return rules
