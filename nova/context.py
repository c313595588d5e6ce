"""The request context: who asks, in which request, against which cell.

A ``RequestContext`` crosses every RPC message (see ``nova.rpc``) so that
the request id, user, project and roles follow a request through every
daemon and every log line.
"""

import contextlib
import copy
import threading

from oslo_context import context as oslo_context
from oslo_db.sqlalchemy import enginefacade
from oslo_log import log as logging
from oslo_utils import timeutils

LOG = logging.getLogger(__name__)


@enginefacade.transaction_context_provider
class RequestContext(oslo_context.RequestContext):
    """Security and cell-targeting context of one request.

    ``db_connection`` and ``mq_connection`` are set by :func:`target_cell`
    to the enginefacade / RPC transport of the cell a piece of code works
    on; None means this service's own ``[database]`` cell.
    """

    def __init__(self, user_id=None, project_id=None, is_admin=None,
                 read_deleted='no', remote_address=None, timestamp=None,
                 service_catalog=None, user_name=None, project_name=None,
                 **kwargs):
        kwargs.setdefault('user_id', user_id)
        kwargs.setdefault('project_id', project_id)
        super().__init__(is_admin=bool(is_admin), **kwargs)
        self.read_deleted = read_deleted
        self.remote_address = remote_address
        self.timestamp = (timeutils.parse_isotime(timestamp)
                          if isinstance(timestamp, str)
                          else (timestamp or timeutils.utcnow()))
        self.service_catalog = service_catalog or []
        self.user_name = user_name
        self.project_name = project_name
        self.db_connection = None
        self.mq_connection = None
        self.cell_uuid = None
        if is_admin is None:
            self.is_admin = 'admin' in [r.lower() for r in self.roles]

    def to_dict(self):
        values = super().to_dict()
        values.update({
            'user_id': self.user_id,
            'project_id': self.project_id,
            'is_admin': self.is_admin,
            'read_deleted': self.read_deleted,
            'remote_address': self.remote_address,
            'timestamp': timeutils.isotime(self.timestamp)
            if hasattr(timeutils, 'isotime') else self.timestamp.isoformat(),
            'service_catalog': self.service_catalog,
            'user_name': self.user_name,
            'project_name': self.project_name,
        })
        return values

    @classmethod
    def from_dict(cls, values):
        return super().from_dict(
            values,
            user_id=values.get('user_id'),
            project_id=values.get('project_id'),
            is_admin=values.get('is_admin'),
            read_deleted=values.get('read_deleted', 'no'),
            remote_address=values.get('remote_address'),
            timestamp=values.get('timestamp'),
            service_catalog=values.get('service_catalog'),
            user_name=values.get('user_name'),
            project_name=values.get('project_name'))

    def elevated(self, read_deleted=None):
        """A copy of this context with the admin role."""
        ctxt = copy.copy(self)
        ctxt.roles = copy.deepcopy(self.roles)
        ctxt.is_admin = True
        if 'admin' not in ctxt.roles:
            ctxt.roles.append('admin')
        if read_deleted is not None:
            ctxt.read_deleted = read_deleted
        return ctxt

    def can(self, action, target=None, fatal=True):
        """Check oslo.policy ``action`` for this context."""
        from nova import policy
        if target is None:
            target = {'project_id': self.project_id, 'user_id': self.user_id}
        return policy.authorize(self, action, target, do_raise=fatal)

    def to_policy_values(self):
        values = super().to_policy_values()
        values['is_admin'] = self.is_admin
        return values

    def __str__(self):
        return f'RequestContext({self.request_id})'


def get_context():
    """A context for internal work that is not on behalf of a user."""
    return RequestContext(user_id=None, project_id=None, is_admin=False,
                          overwrite=False)


def get_admin_context(read_deleted='no'):
    return RequestContext(user_id=None, project_id=None, is_admin=True,
                          read_deleted=read_deleted, overwrite=False)


def is_user_context(context):
    return bool(context and not context.is_admin and context.user_id
                and context.project_id)


# Cell targeting ------------------------------------------------------------

_CELL_CACHE_LOCK = threading.Lock()
_CELL_DB_CACHE = {}      # cell uuid -> enginefacade transaction context
_CELL_MQ_CACHE = {}      # cell uuid -> oslo.messaging transport


def _cell_db(cell_mapping):
    from nova.db.main import api as main_db
    with _CELL_CACHE_LOCK:
        key = (cell_mapping.uuid, cell_mapping.database_connection)
        ctxt_manager = _CELL_DB_CACHE.get(key)
        if ctxt_manager is None:
            ctxt_manager = main_db.create_context_manager(
                cell_mapping.database_connection)
            _CELL_DB_CACHE[key] = ctxt_manager
        return ctxt_manager


def _cell_mq(cell_mapping):
    from nova import rpc
    # 'none:///' (or no URL) means the cell uses this service's own bus.
    url = cell_mapping.transport_url
    if not url or url.startswith('none:'):
        return None
    with _CELL_CACHE_LOCK:
        key = (cell_mapping.uuid, cell_mapping.transport_url)
        transport = _CELL_MQ_CACHE.get(key)
        if transport is None:
            transport = rpc.create_transport(cell_mapping.transport_url)
            _CELL_MQ_CACHE[key] = transport
        return transport


def set_target_cell(context, cell_mapping):
    """Point ``context`` at the DB and bus of ``cell_mapping`` (or unset)."""
    if cell_mapping is None:
        context.db_connection = None
        context.mq_connection = None
        context.cell_uuid = None
        return
    context.db_connection = _cell_db(cell_mapping)
    context.mq_connection = _cell_mq(cell_mapping)
    context.cell_uuid = cell_mapping.uuid


@contextlib.contextmanager
def target_cell(context, cell_mapping):
    """Yield a copy of ``context`` targeted at ``cell_mapping``."""
    cctxt = copy.copy(context)
    set_target_cell(cctxt, cell_mapping)
    yield cctxt


def reset_cell_caches():
    """Forget cached cell engines and transports (tests, SIGHUP)."""
    with _CELL_CACHE_LOCK:
        _CELL_DB_CACHE.clear()
        _CELL_MQ_CACHE.clear()


def scatter_gather_cells(context, cell_mappings, fn, *args, timeout=60,
                         **kwargs):
    """Run ``fn(cctxt, *args, **kwargs)`` in each cell in parallel threads.

    Returns {cell_uuid: result}; a cell that raised maps to the exception
    and one that did not answer in ``timeout`` maps to
    ``did_not_respond_sentinel``.
    """
    import concurrent.futures
    results = {}
    if not cell_mappings:
        return results

    def run(cell):
        with target_cell(context, cell) as cctxt:
            return fn(cctxt, *args, **kwargs)

    pool = concurrent.futures.ThreadPoolExecutor(
        max_workers=min(len(cell_mappings), 16))
    try:
        futures = {pool.submit(run, cell): cell.uuid for cell in cell_mappings}
        done, not_done = concurrent.futures.wait(futures, timeout=timeout)
        for future in done:
            try:
                results[futures[future]] = future.result()
            except Exception as exc:  # noqa: BLE001 reported per cell to the caller
                LOG.warning('Cell %s failed: %s', futures[future], exc)
                results[futures[future]] = exc
        for future in not_done:
            results[futures[future]] = did_not_respond_sentinel
    finally:
        pool.shutdown(wait=False)
    return results


did_not_respond_sentinel = object()
