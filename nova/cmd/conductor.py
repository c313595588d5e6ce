"""nova-conductor: the object indirection and build/migrate task service."""

import sys

from nova import config, service


def main():
    config.parse_args(sys.argv)
    service.run([service.Service.create('nova-conductor')])


if __name__ == '__main__':
    sys.exit(main())
