"""The conductor tests use the scheduler tests' Placement, cells and bus."""

from nova.tests.unit.scheduler.conftest import (  # noqa: F401 fixtures
    _scheduler_server,
    cells,
    placement,
    placement_service,
    rpc_bus,
    scheduler_service,
)
