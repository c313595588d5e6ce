"""nova-scheduler: picks hosts for instances with Placement."""

import sys

from nova import config, service
from nova.cmd import log_options


def main():
    config.parse_args(sys.argv)
    log_options()
    service.run([service.Service.create('nova-scheduler')])


if __name__ == '__main__':
    sys.exit(main())
