"""An API DB, cell0 and cell1 on SQLite files, and compute hosts in them.

The API DB's and the default cell DB's context managers are replaced for
the test (``monkeypatch``) so that each test has its own databases no
matter which DB another test configured first in this process.
"""

import datetime
import os

from oslo_db.sqlalchemy import enginefacade
from oslo_utils import uuidutils

from nova import context as nova_context
from nova import objects
from nova.db import sqlite
from nova.db.api import api as api_db
from nova.db.api import models as api_models
from nova.db.main import api as main_db
from nova.db.main import models as main_models
from nova.scheduler.client import report


def _create_schema(url, metadata):
    engine = sqlite.create_engine(url)
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()


class Cells:
    """cell0 + cell1 mapped in a fresh API DB."""

    def __init__(self, tmpdir, monkeypatch):
        objects.register_all()
        nova_context.reset_cell_caches()
        self.urls = {name: 'sqlite:///' + os.path.join(str(tmpdir),
                                                       name + '.db')
                     for name in ('api', 'cell0', 'cell1')}
        _create_schema(self.urls['api'], api_models.Base.metadata)
        for name in ('cell0', 'cell1'):
            _create_schema(self.urls[name], main_models.Base.metadata)
        api_ctxt_mgr = enginefacade.transaction_context()
        api_ctxt_mgr.configure(connection=self.urls['api'])
        monkeypatch.setattr(api_db, 'context_manager', api_ctxt_mgr)
        main_ctxt_mgr = enginefacade.transaction_context()
        main_ctxt_mgr.configure(connection=self.urls['cell1'])
        monkeypatch.setattr(main_db, 'context_manager', main_ctxt_mgr)
        monkeypatch.setattr(main_db, '_configured', True)
        self.ctxt = nova_context.get_admin_context()
        self.cell0 = objects.CellMapping(
            self.ctxt, uuid=objects.CellMapping.CELL0_UUID, name='cell0',
            transport_url=None, database_connection=self.urls['cell0'])
        self.cell0.create()
        self.cell1 = objects.CellMapping(
            self.ctxt, uuid=uuidutils.generate_uuid(), name='cell1',
            transport_url=None, database_connection=self.urls['cell1'])
        self.cell1.create()

    def cleanup(self):
        nova_context.reset_cell_caches()

    def add_compute(self, host, vcpus=8, memory_mb=8192, local_gb=100,
                    disabled=False, up=True, cell=None, with_provider=True,
                    mapped=True):
        """A compute service + node in ``cell`` (default cell1), mapped
        (unless not ``mapped``), and (``with_provider``) its provider with
        inventory in Placement.
        Returns the node uuid."""
        cell = cell or self.cell1
        node_uuid = uuidutils.generate_uuid()
        with nova_context.target_cell(self.ctxt, cell) as cctxt:
            seen = datetime.datetime.now(datetime.UTC).replace(
                tzinfo=None)
            if not up:
                seen -= datetime.timedelta(hours=1)
            service = objects.Service(
                cctxt, host=host, binary='nova-compute', topic='compute',
                report_count=1, disabled=disabled,
                disabled_reason='maintenance' if disabled else None,
                last_seen_up=seen, forced_down=False)
            service.create()
            node = objects.ComputeNode(
                cctxt, uuid=node_uuid, service_id=service.id, host=host,
                hypervisor_hostname=host, vcpus=vcpus, memory_mb=memory_mb,
                local_gb=local_gb, vcpus_used=0, memory_mb_used=0,
                local_gb_used=0, hypervisor_type='fake',
                hypervisor_version=1, cpu_info='{}')
            node.create()
        if mapped:
            objects.HostMapping(self.ctxt, host=host,
                                cell_mapping=cell).create()
        if with_provider:
            client = report.report_client_singleton()
            client.ensure_resource_provider(self.ctxt, node_uuid, host)
            client.set_inventory_for_provider(self.ctxt, node_uuid, {
                rc: {'total': total, 'reserved': 0, 'min_unit': 1,
                     'max_unit': total, 'step_size': 1,
                     'allocation_ratio': 1.0}
                for rc, total in (('VCPU', vcpus), ('MEMORY_MB', memory_mb),
                                  ('DISK_GB', local_gb))})
        return node_uuid
