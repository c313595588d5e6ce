"""Serve the real Placement in a process of its own (integration tests):
``python -m nova.tests.integration.placement_server DB_URL PORT``."""

import signal
import sys
import threading

from nova.peers import placement


def main(argv=None):
    db_url, port = (argv or sys.argv[1:])[:2]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    service = placement.make_service(db_url, port=int(port))
    service.start()
    print(f'placement serving on {service.port}', flush=True)
    stop.wait()
    service.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
