"""Start and stop every part of a one-machine deployment, in order.

Parts are started in dependency order and stopped in reverse: Placement,
Glance (a child process), the default image, conductor, scheduler, compute,
the API. Each part has ``start()``, ``stop(graceful=True)`` and
``reset()``, the interface :func:`nova.service.run` drives.
"""

import os

from oslo_log import log as logging

import nova.conf
from nova import config, service
from nova.all_in_one import bootstrap, identity, settings

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


class Part:
    """A step with a start and an optional stop."""

    def __init__(self, name, start, stop=None):
        self.name = name
        self._start = start
        self._stop = stop

    def start(self):
        self._start()

    def stop(self, graceful=True):
        if self._stop is not None:
            self._stop()

    def reset(self):
        pass

    def __repr__(self):
        return f'<{self.name}>'


class AllInOne:
    """The whole service in this process (Glance as a child process)."""

    def __init__(self, state_path, endpoints=None, compute_driver='fake.FakeDriver',
                 base_files=(), extra=None, prog='nova-all'):
        self.state_path = os.path.abspath(state_path)
        self.endpoints = endpoints or settings.Endpoints()
        self.compute_driver = compute_driver
        self.base_files = list(base_files)
        self.extra = extra
        self.prog = prog
        self.conf_path = None
        self.placement = None
        self.glance = None
        self.api = None
        self.image = None
        self._started = []

    # Set-up ---------------------------------------------------------------

    def configure(self):
        """Write DIR/nova.conf and load it into nova.conf.CONF."""
        self.conf_path = settings.write(self.state_path, self.endpoints,
                                        self.compute_driver, self.base_files,
                                        self.extra)
        config.parse_args([self.prog, '--config-file', self.conf_path])
        return self.conf_path

    def prepare(self):
        """Create, migrate and map the DBs; idempotent."""
        bootstrap.prepare_databases(settings.cell0_db_url(self.state_path))

    # Parts ----------------------------------------------------------------

    def _start_placement(self):
        from nova.peers import placement
        self.placement = placement.make_service(
            settings.placement_db_url(self.state_path),
            host=self.endpoints.host, port=self.endpoints.placement_port)
        self.placement.start()

    def _stop_placement(self):
        if self.placement is not None:
            self.placement.stop()

    def _start_glance(self):
        from nova.peers import glance
        self.glance = glance.GlanceProcess(
            os.path.join(self.state_path, 'glance'), self.endpoints.host,
            self.endpoints.glance_port)
        self.glance.start()

    def _stop_glance(self):
        if self.glance is not None:
            self.glance.stop()

    def _default_image(self):
        self.image = bootstrap.ensure_default_image(self.glance.url)

    def parts(self, extra_parts=()):
        """Every part, in start order (configure() and prepare() first)."""
        from nova.wsgi import osapi_compute
        app = identity.with_version_document(osapi_compute.load_app(CONF))
        self.api = service.WSGIService(osapi_compute.APP_NAME, app,
                                       self.endpoints.host, self.endpoints.api_port)
        return [
            Part('placement', self._start_placement, self._stop_placement),
            Part('glance', self._start_glance, self._stop_glance),
            Part('default image', self._default_image),
            service.Service.create('nova-conductor'),
            service.Service.create('nova-scheduler'),
            service.Service.create('nova-compute'),
            self.api,
        ] + list(extra_parts)

    # Running --------------------------------------------------------------

    def start(self):
        """Start every part; on a failure stop what started and re-raise."""
        for part in self.parts():
            try:
                part.start()
            except BaseException:
                LOG.exception('%r failed to start', part)
                self.stop()
                raise
            self._started.append(part)

    def stop(self):
        """Stop what started, in reverse; one failing stop spares the others."""
        while self._started:
            part = self._started.pop()
            try:
                part.stop(graceful=False)
            except Exception:
                LOG.exception('%r failed to stop', part)

    def run(self, extra_parts=()):
        """Serve until SIGINT/SIGTERM (nova.service.run), then stop all."""
        service.run(self.parts(extra_parts))
