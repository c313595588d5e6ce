"""Options that hold credentials are secret, so that oslo.config's
start-up dump of every option (``log_opt_values``, logged at DEBUG by
each daemon) shows them as ``****``."""

import importlib.metadata
import logging
import pathlib
import re

import pytest
from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

import nova.conf
from nova import cmd

GENERATOR_CONF = (pathlib.Path(__file__).parents[4] / 'etc' / 'nova'
                  / 'nova-config-generator.conf')

# Names that say the value is, or embeds, a credential.
CREDENTIAL = re.compile(r'(^|_)(password|passwd|token|secret|secret_key|'
                        r'passphrase)$|(^|_)connection$|^transport_url$')

# Library options named like a credential that their library does not
# mark secret; nova uses none of these (Kafka), listed so that a new one
# is noticed.
KNOWN_LIBRARY_GAPS = {('oslo_messaging_kafka', 'ssl_client_key_password')}


def _namespaces():
    # One "namespace = X" line each: configparser would keep only the last.
    return [line.split('=', 1)[1].strip()
            for line in GENERATOR_CONF.read_text().splitlines()
            if line.split('=', 1)[0].strip() == 'namespace']


def _sample_opts():
    """(group, opt) of every option the sample file lists."""
    entry_points = {ep.name: ep for ep in importlib.metadata.entry_points(
        group='oslo.config.opts')}
    for namespace in _namespaces():
        for group, opts in entry_points[namespace].load()():
            name = getattr(group, 'name', group) or 'DEFAULT'
            for opt in opts:
                yield name, opt


def test_the_sample_lists_credentials_to_check():
    names = {(g, o.dest) for g, o in _sample_opts()}
    # The test would pass vacuously if the namespaces failed to load.
    assert {('database', 'connection'), ('api_database', 'connection'),
            ('DEFAULT', 'transport_url'), ('placement', 'password'),
            ('glance', 'password')} <= names


def test_every_credential_option_is_secret():
    exposed = sorted((group, opt.dest) for group, opt in _sample_opts()
                     if CREDENTIAL.search(opt.dest) and not opt.secret
                     and (group, opt.dest) not in KNOWN_LIBRARY_GAPS)
    assert exposed == []


def test_keystoneauth_plugins_we_document_keep_tokens_secret():
    # [placement]/[glance] auth_type admin_token and password (what
    # nova-all and the install guide use) load these at run time.
    for plugin, dest in (('admin_token', 'token'), ('password', 'password')):
        opts = {o.dest: o for o in
                ks_loading.get_auth_plugin_conf_options(plugin)}
        assert opts[dest].secret, (plugin, dest)


SECRETS = {
    'transport': 'rpc-pw-6f1d0b',
    'notify': 'notify-pw-a0c1e2',
    'db': 'db-pw-91c3aa',
    'api_db': 'apidb-pw-2b7e44',
    'placement': 'placement-pw-5d9f10',
    'glance': 'glance-token-8e2c67',
}


@pytest.fixture
def conf(tmp_path):
    """A ConfigOpts with nova's options, the bus's and the auth plugins'
    as a daemon has them once it talks to Placement and Glance."""
    from oslo_messaging import opts as messaging_opts

    from nova.conf import opts as nova_opts
    conf = cfg.ConfigOpts()
    # By group name, not nova.conf's OptGroup objects: oslo.config shares
    # a registered group's options with every ConfigOpts that has it.
    for group, opts in nova_opts.list_opts():
        conf.register_opts(opts, group=None if group == 'DEFAULT' else group)
    for group, opts in messaging_opts.list_opts():
        if group is None or group == 'oslo_messaging_notifications':
            conf.register_opts([o for o in opts if o.dest == 'transport_url'],
                               group=group)
    conf.register_opts([o for o in ks_loading.get_auth_plugin_conf_options(
        'admin_token') if o.dest not in conf.glance], group='glance')
    path = tmp_path / 'nova.conf'
    path.write_text(
        '[DEFAULT]\n'
        f'transport_url = rabbit://nova:{SECRETS["transport"]}@mq:5672/\n'
        'host = compute-7\n'
        '[oslo_messaging_notifications]\n'
        f'transport_url = rabbit://nova:{SECRETS["notify"]}@mq:5672/\n'
        '[database]\n'
        f'connection = mysql+pymysql://nova:{SECRETS["db"]}@db/nova\n'
        '[api_database]\n'
        f'connection = mysql+pymysql://nova:{SECRETS["api_db"]}@db/api\n'
        '[placement]\nauth_type = password\nusername = nova\n'
        'auth_url = http://keystone/v3\n'
        f'password = {SECRETS["placement"]}\n'
        '[glance]\nauth_type = admin_token\nendpoint = http://g:9292\n'
        'auth_url = http://keystone/v3\n'
        f'token = {SECRETS["glance"]}\n')
    conf(['--config-file', str(path)], project='nova',
         default_config_files=[])
    yield conf
    conf.reset()


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def test_log_opt_values_masks_every_credential(conf):
    logger = logging.getLogger('nova.tests.conf.options')
    logger.setLevel(logging.DEBUG)
    handler = _Records()
    logger.addHandler(handler)
    try:
        conf.log_opt_values(logger, logging.DEBUG)
    finally:
        logger.removeHandler(handler)
    text = '\n'.join(handler.lines)
    # The dump ran and shows values: a plain option and the masked ones.
    assert 'host' in text and 'compute-7' in text
    for shown in ('transport_url', 'database.connection',
                  'placement.password', 'glance.token'):
        line = next(x for x in handler.lines if x.split('=')[0].strip()
                    .endswith(shown))
        assert line.rstrip().endswith('****'), line
    for secret in SECRETS.values():
        assert secret not in text


def test_daemons_log_the_options_masked(monkeypatch):
    conf = cfg.ConfigOpts()
    conf.register_opt(cfg.StrOpt('connection', secret=True), group='database')
    conf.register_opt(cfg.StrOpt('host'))
    conf([], default_config_files=[])
    conf.set_override('connection', 'mysql://u:' + SECRETS['db'] + '@h/x',
                      group='database')
    conf.set_override('host', 'compute-9')
    monkeypatch.setattr(nova.conf, 'CONF', conf)
    logger = logging.getLogger('nova.cmd')
    handler = _Records()
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        cmd.log_options()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    text = '\n'.join(handler.lines)
    assert 'compute-9' in text
    assert 'database.connection' in text and SECRETS['db'] not in text
