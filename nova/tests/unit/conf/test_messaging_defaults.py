"""nova's defaults for oslo.messaging's RabbitMQ driver."""

from oslo_config import cfg

from nova.conf import rpc


def test_queues_are_durable_unless_the_operator_says_otherwise():
    conf = cfg.ConfigOpts()
    rpc.register_opts(conf)
    conf([])
    assert conf.oslo_messaging_rabbit.amqp_durable_queues is True


def test_an_operator_can_turn_durable_queues_off(tmp_path):
    path = tmp_path / 'nova.conf'
    path.write_text('[oslo_messaging_rabbit]\namqp_durable_queues = false\n')
    conf = cfg.ConfigOpts()
    rpc.register_opts(conf)
    conf(['--config-file', str(path)])
    assert conf.oslo_messaging_rabbit.amqp_durable_queues is False
