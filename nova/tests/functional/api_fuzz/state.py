"""The fuzzed deployment and what "nothing changed" means for it.

The fuzzer runs its own ``nova-all`` (a child process with its own state
directory): it disables services, changes quotas and adds flavors, which
would break the other functional tests if it shared their stack.

A :class:`Snapshot` is a hash per table of the rows a user request can
change, read straight from the SQLite files of the API DB, the cell DBs
and Placement (read-only connections, a few milliseconds in all).
Heartbeat columns, which the services write on their own, are left out.
"""

import hashlib
import os
import sqlite3
import time

from nova.tests.functional import fixtures

START_TIMEOUT = 120

# Written by nova-all itself, not by requests: left out of snapshots.
_IGNORED_COLUMNS = {
    'services': {'report_count', 'updated_at', 'last_seen_up'},
    'compute_nodes': {'updated_at', 'free_ram_mb', 'free_disk_gb',
                      'memory_mb_used', 'local_gb_used', 'vcpus_used',
                      'running_vms', 'current_workload',
                      'disk_available_least', 'stats'},
}
_IGNORED_TABLES = {'alembic_version', 'migrate_version', 'sqlite_sequence'}

# Periodic work that would change the DBs while a batch runs.
QUIET_CONF = """
[DEFAULT]
update_resources_interval = 3600
sync_power_state_interval = 3600
reclaim_instance_interval = 0
resize_confirm_window = 0
shelved_poll_interval = 3600
task_state_poll_interval = 3600
[quota]
instances = 50
cores = 100
ram = 102400
"""


class NovaAll(fixtures.NovaAllProcess):
    """``nova-all`` in a child process, fake virt driver."""

    def __init__(self, state_path):
        super().__init__(state_path, state_path + '.out', virt='fake',
                         conf_text=QUIET_CONF, start_timeout=START_TIMEOUT)

    @property
    def root_url(self):
        """The API's root; requests name /v2.1 or /v2 themselves."""
        return f'http://{self.endpoints.host}:{self.endpoints.api_port}'

    def api_errors(self):
        """The tracebacks of unexpected API errors nova-all logged."""
        logs = os.path.join(self.state_path, 'log')
        found = []
        for name in sorted(os.listdir(logs)) if os.path.isdir(logs) else ():
            with open(os.path.join(logs, name), errors='replace') as f:
                text = f.read()
            start = 0
            while True:
                index = text.find('Unexpected error in the API', start)
                if index < 0:
                    break
                found.append(text[index:index + 3000])
                start = index + 1
        return found


class Snapshot:
    """Hashes of the rows of every table of the deployment's DBs."""

    def __init__(self, state_path):
        self.connections = {}
        for name in ('nova_api', 'nova_cell0', 'nova_cell1', 'placement'):
            path = os.path.join(state_path, name + '.sqlite')
            conn = sqlite3.connect(f'file:{path}?mode=ro', uri=True,
                                   check_same_thread=False, timeout=10)
            conn.text_factory = bytes
            tables = [r[0].decode() for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")]
            queries = {}
            for table in tables:
                if table in _IGNORED_TABLES:
                    continue
                columns = [r[1].decode() for r in conn.execute(
                    f'PRAGMA table_info("{table}")')]
                kept = [c for c in columns
                        if c not in _IGNORED_COLUMNS.get(table, ())]
                cols = ', '.join(f'"{c}"' for c in kept)
                queries[table] = f'SELECT {cols} FROM "{table}" ORDER BY 1'
            self.connections[name] = (conn, queries)
        self._cached = {}

    def _take_db(self, name):
        conn, queries = self.connections[name]
        # data_version moves when another connection commits to the file:
        # an unchanged DB needs no reading.
        version = conn.execute('PRAGMA data_version').fetchone()[0]
        cached = self._cached.get(name)
        if cached is not None and cached[0] == version:
            return cached[1]
        state = {}
        for table, query in queries.items():
            digest = hashlib.blake2b(digest_size=16)
            for row in conn.execute(query):
                digest.update(repr(row).encode())
            state[(name, table)] = digest.hexdigest()
        self._cached[name] = (version, state)
        return state

    def take(self):
        """{(db, table): digest}."""
        state = {}
        for name in self.connections:
            state.update(self._take_db(name))
        return state

    def busy(self):
        """True while a server has a task or an action event in
        progress, or waits in the API DB for a cell (work that may still
        change rows)."""
        conn, _ = self.connections['nova_api']
        if conn.execute('SELECT count(*) FROM build_requests').fetchone()[0]:
            return True
        for name in ('nova_cell0', 'nova_cell1'):
            conn, _ = self.connections[name]
            if conn.execute('SELECT count(*) FROM instances WHERE deleted = 0 '
                            'AND task_state IS NOT NULL').fetchone()[0]:
                return True
            if conn.execute('SELECT count(*) FROM instance_actions_events '
                            'WHERE finish_time IS NULL').fetchone()[0]:
                return True
        return False

    def settle(self, timeout=10.0, interval=0.02, busy_timeout=3.0):
        """The state once three reads in a row agree and no task runs
        (a task still running after ``busy_timeout`` is taken as stuck)."""
        start = time.monotonic()
        reads = [self.take()]
        while True:
            time.sleep(interval)
            reads = [*reads[-2:], self.take()]
            waited = time.monotonic() - start
            stable = len(reads) == 3 and reads[0] == reads[1] == reads[2]
            if stable and (waited > busy_timeout or not self.busy()):
                return reads[-1]
            if waited > timeout:
                return reads[-1]

    @staticmethod
    def diff(before, after):
        return sorted(f'{db}.{table}' for (db, table) in
                      set(before) | set(after)
                      if before.get((db, table)) != after.get((db, table)))

    def close(self):
        for conn, _ in self.connections.values():
            conn.close()
