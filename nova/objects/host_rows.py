"""The rows of a cell's hosts, as the scheduler's cache reads them.

A few columns rather than whole objects, and a "changed since" query that
the full objects do not have: every live row when ``since`` is None, else
every row changed (updated, created or deleted) since then, deleted rows
too. :mod:`nova.scheduler.host_cache` keeps them between requests.
"""

import collections

import sqlalchemy as sa

from nova.db.main import api as main_db
from nova.db.main import models

CN = models.ComputeNode
SVC = models.Service
INST = models.Instance

# What the scheduler keeps of an instance.
InstanceInfo = collections.namedtuple(
    'InstanceInfo', 'uuid host node vm_state task_state')


# The columns of a host state's compute node and of a service.
NodeInfo = collections.namedtuple(
    'NodeInfo', 'id uuid service_id host hypervisor_hostname vcpus '
    'memory_mb local_gb host_ip hypervisor_type hypervisor_version '
    'cpu_info stats')
ServiceInfo = collections.namedtuple(
    'ServiceInfo', 'id host disabled disabled_reason last_seen_up '
    'updated_at created_at forced_down')

_NODE_COLUMNS = [getattr(CN, name) for name in NodeInfo._fields]
_SERVICE_COLUMNS = [getattr(SVC, name) for name in ServiceInfo._fields]
_INSTANCE_COLUMNS = [getattr(INST, name) for name in InstanceInfo._fields]


def _changed_since(model, since):
    return sa.or_(model.updated_at >= since, model.created_at >= since,
                  model.deleted_at >= since)


def _reader(cctxt):
    return main_db.get_context_manager(cctxt).reader.using(cctxt)


def load(cctxt, since=None):
    """(nodes, services, instances) of the cell: every live row when
    ``since`` is None, else every row changed since then, deleted ones
    too (each as (info, deleted))."""
    with _reader(cctxt) as session:
        out = []
        for model, columns, info, where in (
                (CN, _NODE_COLUMNS, NodeInfo, ()),
                (SVC, _SERVICE_COLUMNS, ServiceInfo,
                 (SVC.binary == 'nova-compute',)),
                (INST, _INSTANCE_COLUMNS, InstanceInfo, ())):
            clause = (model.deleted == 0 if since is None
                      else _changed_since(model, since))
            rows = session.execute(sa.select(*columns, model.deleted).where(
                clause, *where).order_by(model.id)).all()
            out.append([(info(*row[:-1]), bool(row[-1])) for row in rows])
        return out
