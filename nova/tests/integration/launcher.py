"""Run a nova daemon with the fake driver slowed down (integration tests).

``python -m nova.tests.integration.launcher compute --config-file X``
runs ``nova-compute`` as its console script does, after making the fake
driver wait before the operations named in ``NOVA_IT_FAKE_DELAYS``
(``spawn=2,destroy=1.5,...``: seconds per operation), so that a fault
injected by a test lands while operations are in flight.
"""

import importlib
import os
import sys

ENV = 'NOVA_IT_FAKE_DELAYS'


def parse_delays(text):
    """``'spawn=2,destroy=1.5'`` -> ``{'spawn': 2.0, 'destroy': 1.5}``."""
    delays = {}
    for item in filter(None, (part.strip() for part in (text or '').split(','))):
        operation, _, seconds = item.partition('=')
        delays[operation.strip()] = float(seconds)
    return delays


def main(argv=None):
    argv = list(sys.argv if argv is None else argv)
    name = argv.pop(1)
    delays = parse_delays(os.environ.get(ENV))
    if delays:
        from nova.virt import fake
        for operation, seconds in delays.items():
            fake.FakeDriver.set_delay(operation, seconds)
    sys.argv = [f'nova-{name}', *argv[1:]]
    return importlib.import_module(f'nova.cmd.{name}').main()


if __name__ == '__main__':
    sys.exit(main())
