"""nova-manage: the operator's commands for databases and cells.

``nova-manage [--config-file F] <category> <action> [options]``

Exit codes: 0 done, 1 nothing to do or a problem the message explains,
2 bad input.
"""

import sys

import sqlalchemy as sa
from oslo_config import cfg
from oslo_db import exception as db_exc
from oslo_log import log as logging
from oslo_utils import timeutils, uuidutils

import nova.conf
from nova import config, context, exception, objects
from nova.db import migration, sqlite
from nova.db.api import api as api_db
from nova.db.main import api as main_db
from nova.db.main import archive
from nova.objects import fields
from nova.scheduler import host_discovery

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

OK, NOTHING, BAD_INPUT = 0, 1, 2
# archive_deleted_rows answers as operators' loops expect of nova-manage:
# 1 while rows were archived, 0 once there was nothing left, 4 for a bad
# --before date.
ARCHIVE_NOTHING, ARCHIVE_MOVED, ARCHIVE_BAD_DATE = 0, 1, 4


class BadInput(Exception):
    """Wrong arguments: reported and mapped to exit code 2."""


def mask_url(url):
    """``url`` with every password replaced by ``****``."""
    return fields.mask_url(url)


def print_table(headers, rows):
    widths = [max([len(str(h))] + [len(str(r[i])) for r in rows])
              for i, h in enumerate(headers)]
    line = '+' + '+'.join('-' * (w + 2) for w in widths) + '+'

    def fmt(values):
        return '| ' + ' | '.join(str(v).ljust(w)
                                 for v, w in zip(values, widths)) + ' |'
    print(line)
    print(fmt(headers))
    print(line)
    for row in rows:
        print(fmt(row))
    print(line)


def _parse_date(value):
    if value is None:
        return None
    try:
        parsed = timeutils.parse_isotime(value)
    except ValueError:
        raise BadInput(f'Invalid date {value!r}: use ISO 8601, e.g. 2026-01-31 or '
                       '2026-01-31T12:00:00')
    if parsed.tzinfo is not None:
        parsed = timeutils.normalize_time(parsed)
    return parsed


def _admin():
    return context.get_admin_context()


def _require_api_db():
    if not CONF.api_database.connection:
        raise BadInput('[api_database] connection is not set in the '
                       'configuration')
    api_db.configure(CONF)


def _cell_connections():
    """(label, URL) of each cell DB: the mapped cells when the API DB is
    configured, else the local [database] one."""
    urls = []
    if CONF.api_database.connection:
        api_db.configure(CONF)
        for cell in objects.CellMappingList.get_all(_admin()):
            if cell.database_connection:
                urls.append((cell.name or cell.uuid,
                             cell.database_connection))
    if not urls and CONF.database.connection:
        urls.append(('local', CONF.database.connection))
    seen, result = set(), []
    for label, url in urls:
        if url not in seen:
            seen.add(url)
            result.append((label, url))
    return result


# api_db ---------------------------------------------------------------------

def api_db_sync():
    _require_api_db()
    migration.db_sync('api', version=CONF.category.version)
    print('API database is at version {}'.format(migration.db_version('api')))
    return OK


def api_db_version():
    _require_api_db()
    print(migration.db_version('api') or 'None (never synced)')
    return OK


# db -------------------------------------------------------------------------

def db_sync():
    if not CONF.database.connection:
        raise BadInput('[database] connection is not set in the '
                       'configuration')
    version = CONF.category.version
    migration.db_sync('main', version=version)
    if not CONF.category.local_cell and CONF.api_database.connection:
        # cell0 and the other mapped cells have the same schema.
        for label, url in _cell_connections():
            if url != CONF.database.connection:
                migration.db_sync('main', version=version, connection=url)
                print(f'Cell {label} synced')
    print('Database is at version {}'.format(migration.db_version('main')))
    return OK


def db_version():
    if not CONF.database.connection:
        raise BadInput('[database] connection is not set in the '
                       'configuration')
    print(migration.db_version('main') or 'None (never synced)')
    return OK


def db_archive_deleted_rows():
    max_rows = CONF.category.max_rows
    if max_rows < 1:
        raise BadInput(f'--max_rows must be a positive number, not '
                       f'{max_rows}')
    try:
        before = _parse_date(CONF.category.before)
    except BadInput as exc:
        print(exc, file=sys.stderr)
        return ARCHIVE_BAD_DATE
    verbose = CONF.category.verbose
    totals = {}
    for label, url in _cell_connections():
        engine = sqlite.create_engine(url)
        try:
            def progress(batch, label=label):
                print(f'Archived {sum(batch.values())} rows from cell '
                      f'{label}')
            moved = archive.archive_deleted_rows(
                engine, max_rows=max_rows, before=before,
                until_complete=CONF.category.until_complete,
                progress=progress if verbose or
                CONF.category.until_complete else None)
        finally:
            engine.dispose()
        for table, count in moved.items():
            key = f'{label}.{table}'
            totals[key] = totals.get(key, 0) + count
    if not totals:
        print('Nothing was archived.')
        return ARCHIVE_NOTHING
    print_table(['Table', 'Number of Rows Archived'], sorted(totals.items()))
    return ARCHIVE_MOVED


def db_purge():
    before = _parse_date(CONF.category.before)
    if not CONF.category.all and before is None:
        raise BadInput('Either --all or --before is required')
    if CONF.category.all and before is not None:
        raise BadInput('--all and --before are exclusive')
    purged = {}
    for label, url in _cell_connections():
        engine = sqlite.create_engine(url)
        try:
            deleted = archive.purge_shadow_tables(
                engine, before=before, purge_all=CONF.category.all)
        finally:
            engine.dispose()
        for table, count in deleted.items():
            purged[f'{label}.{table}'] = count
    if not purged:
        print('Nothing was purged.')
        return NOTHING
    if CONF.category.verbose:
        print_table(['Table', 'Number of Rows Deleted'],
                    sorted(purged.items()))
    print(f'Purged {sum(purged.values())} rows')
    return OK


# cell_v2 --------------------------------------------------------------------

def _cell0_url(url):
    """The [database] URL with its DB name (or SQLite file) suffixed
    ``_cell0``."""
    parsed = sa.engine.make_url(url)
    name = parsed.database
    if not name or name == ':memory:':
        raise BadInput(f'Cannot derive a cell0 URL from {mask_url(url)}: give '
                       '--database_connection')
    if parsed.get_backend_name() == 'sqlite':
        base, dot, ext = name.rpartition('.')
        name = (f'{base}_cell0.{ext}') if dot and '/' not in ext \
            else name + '_cell0'
    else:
        name = name + '_cell0'
    return parsed.set(database=name).render_as_string(hide_password=False)


def _map_cell0(database_connection=None):
    ctxt = _admin()
    try:
        cell0 = objects.CellMapping.get_by_uuid(
            ctxt, objects.CellMapping.CELL0_UUID)
        print(f'Cell0 is already mapped ({mask_url(cell0.database_connection)})')
        return cell0, False
    except exception.CellMappingNotFound:
        pass
    if not database_connection:
        if not CONF.database.connection:
            raise BadInput('[database] connection is not set: give '
                           '--database_connection')
        database_connection = _cell0_url(CONF.database.connection)
    cell0 = objects.CellMapping(
        ctxt, uuid=objects.CellMapping.CELL0_UUID, name='cell0',
        transport_url='none:///', database_connection=database_connection)
    cell0.create()
    print(f'Cell0 mapped to {mask_url(database_connection)}')
    return cell0, True


def cell_v2_map_cell0():
    _require_api_db()
    _map_cell0(CONF.category.database_connection)
    return OK


def _create_cell(name, transport_url, database_connection, disabled=False):
    transport_url = transport_url or CONF.transport_url
    database_connection = database_connection or CONF.database.connection
    if not transport_url:
        raise BadInput('No transport URL: give --transport-url or set '
                       '[DEFAULT] transport_url')
    if not database_connection:
        raise BadInput('No database connection: give --database_connection '
                       'or set [database] connection')
    ctxt = _admin()
    for cell in objects.CellMappingList.get_all(ctxt):
        if name and cell.name == name:
            raise BadInput(exception.CellMappingExists(name=name).message)
        if (cell.transport_url == transport_url and
                cell.database_connection == database_connection):
            raise BadInput(f'Cell {cell.identity} already uses this transport URL and '
                           'database connection')
    cell = objects.CellMapping(
        ctxt, uuid=uuidutils.generate_uuid(), name=name,
        transport_url=transport_url, database_connection=database_connection,
        disabled=disabled)
    cell.create()
    return cell


def cell_v2_create_cell():
    _require_api_db()
    cell = _create_cell(CONF.category.cell_name, CONF.category.cell_transport_url,
                        CONF.category.database_connection,
                        CONF.category.disabled)
    print(cell.uuid)
    return OK


def _discover_hosts(verbose):
    return host_discovery.discover_hosts(
        _admin(), status_fn=print if verbose else None)


def cell_v2_discover_hosts():
    _require_api_db()
    mapped = _discover_hosts(CONF.category.verbose)
    if not mapped:
        print('No new hosts found.')
    elif not CONF.category.verbose:
        print(f'Mapped {len(mapped)} new hosts.')
    return OK


def cell_v2_list_cells():
    _require_api_db()
    cells = objects.CellMappingList.get_all(_admin())
    # Passwords only with --verbose: this output lands in tickets and
    # terminal scroll-back.
    show = (lambda url: url) if CONF.category.verbose else mask_url
    print_table(['Name', 'UUID', 'Transport URL', 'Database Connection',
                 'Disabled'],
                [(c.name or '', c.uuid, show(c.transport_url) or '',
                  show(c.database_connection) or '', c.disabled)
                 for c in sorted(cells, key=lambda c: (c.name or ''))])
    return OK


def cell_v2_list_hosts():
    _require_api_db()
    hosts = objects.HostMappingList.get_all(_admin())
    cell_uuid = CONF.category.cell_uuid
    if cell_uuid:
        hosts = [h for h in hosts if h.cell_mapping.uuid == cell_uuid]
    print_table(['Cell Name', 'Cell UUID', 'Hostname'],
                [(h.cell_mapping.name or '', h.cell_mapping.uuid, h.host)
                 for h in sorted(hosts, key=lambda h: (
                     h.cell_mapping.name or '', h.host))])
    return OK


def cell_v2_simple_cell_setup():
    _require_api_db()
    ctxt = _admin()
    cells = [c for c in objects.CellMappingList.get_all(ctxt)
             if not c.is_cell0()]
    if cells:
        print(f'Cell setup is already done: {len(cells)} cell(s) '
              'mapped')
        _map_cell0()
        return OK
    cell0, _created = _map_cell0()
    migration.db_sync('main', connection=cell0.database_connection)
    cell = _create_cell('cell1', CONF.category.cell_transport_url, None)
    print(f'Created cell1 {cell.uuid}')
    _discover_hosts(verbose=False)
    return OK


# Command line -----------------------------------------------------------------

def _add(subparsers, name, fn, help_text, args=()):
    parser = subparsers.add_parser(name, help=help_text)
    for flags, kwargs in args:
        parser.add_argument(*flags, **kwargs)
    parser.set_defaults(action_fn=fn)
    return parser


VERBOSE = (('--verbose',), {'action': 'store_true', 'default': False,
                            'help': 'Say more about what is done.'})
DB_URL = (('--database_connection', '--database-connection'),
          {'dest': 'database_connection', 'default': None,
           'help': 'SQLAlchemy URL of the cell database.'})
# dests differ from the option names: oslo.config refuses sub-command
# arguments named like a [DEFAULT] option, and 'name' is the action's.
TRANSPORT_URL = (('--transport-url', '--transport_url'),
                 {'dest': 'cell_transport_url', 'default': None,
                  'help': 'oslo.messaging URL of the cell\'s message bus '
                          '(default: [DEFAULT] transport_url).'})
VERSION = (('version',), {'nargs': '?', 'default': None,
                          'help': 'Revision to migrate to (default: the '
                                  'newest).'})


def add_command_parsers(subparsers):
    api = subparsers.add_parser('api_db', help='The API database.')
    api_sub = api.add_subparsers(dest='action')
    api_sub.required = True
    _add(api_sub, 'sync', api_db_sync, 'Migrate the API DB schema.',
         [VERSION])
    _add(api_sub, 'version', api_db_version,
         'Print the API DB schema version.')

    db = subparsers.add_parser('db', help='The cell databases.')
    db_sub = db.add_subparsers(dest='action')
    db_sub.required = True
    _add(db_sub, 'sync', db_sync, 'Migrate the cell DB schemas.',
         [VERSION, (('--local_cell', '--local-cell'),
                    {'dest': 'local_cell', 'action': 'store_true',
                     'default': False,
                     'help': 'Only migrate [database] connection, not '
                             'cell0 and the other mapped cells.'})])
    _add(db_sub, 'version', db_version,
         'Print the schema version of [database] connection.')
    _add(db_sub, 'archive_deleted_rows', db_archive_deleted_rows,
         'Move soft-deleted rows to the shadow tables.',
         [(('--max_rows', '--max-rows'),
           {'dest': 'max_rows', 'type': int, 'default': 1000,
            'help': 'Rows to move per batch (default 1000).'}),
          (('--until-complete', '--until_complete'),
           {'dest': 'until_complete', 'action': 'store_true',
            'default': False, 'help': 'Repeat batches until nothing is '
                                      'left to archive.'}),
          (('--before',), {'default': None,
                           'help': 'Only rows deleted before this date.'}),
          VERBOSE])
    _add(db_sub, 'purge', db_purge, 'Delete rows from the shadow tables.',
         [(('--all',), {'action': 'store_true', 'default': False,
                        'help': 'Delete every archived row.'}),
          (('--before',), {'default': None,
                           'help': 'Delete rows deleted before this date.'}),
          VERBOSE])

    cell = subparsers.add_parser('cell_v2', help='Cells v2 mappings.')
    cell_sub = cell.add_subparsers(dest='action')
    cell_sub.required = True
    _add(cell_sub, 'map_cell0', cell_v2_map_cell0,
         'Map cell0, where instances that fail to schedule go.', [DB_URL])
    _add(cell_sub, 'create_cell', cell_v2_create_cell, 'Map a new cell.',
         [(('--name',), {'dest': 'cell_name', 'default': None,
                         'help': 'Name of the cell.'}),
          TRANSPORT_URL, DB_URL,
          (('--disabled',), {'action': 'store_true', 'default': False,
                             'help': 'Create the cell disabled.'})])
    _add(cell_sub, 'discover_hosts', cell_v2_discover_hosts,
         'Map the compute hosts of every cell.', [VERBOSE])
    _add(cell_sub, 'list_cells', cell_v2_list_cells, 'List the cells.',
         [(('--verbose',), {'action': 'store_true', 'default': False,
                            'help': 'Show the passwords in the transport '
                                    'URLs and database connections '
                                    '(masked otherwise).'})])
    _add(cell_sub, 'list_hosts', cell_v2_list_hosts,
         'List the mapped hosts.',
         [(('--cell_uuid', '--cell-uuid'),
           {'dest': 'cell_uuid', 'default': None,
            'help': 'Only the hosts of this cell.'})])
    _add(cell_sub, 'simple_cell_setup', cell_v2_simple_cell_setup,
         'Map cell0, create cell1 from the configuration and map its '
         'hosts.', [TRANSPORT_URL])

    from nova.scheduler import dry_run
    dry_run.add_parsers(subparsers, _add)


category_opt = cfg.SubCommandOpt('category', title='Command categories',
                                 help='Available categories',
                                 handler=add_command_parsers)


def _register_transport_url():
    # oslo.messaging registers [DEFAULT] transport_url only when a
    # transport is made; nova-manage makes none but reads the option.
    if 'transport_url' in CONF:
        return
    from oslo_messaging import opts as messaging_opts
    for group, opts in messaging_opts.list_opts():
        if group is None:
            CONF.register_opts([o for o in opts if o.name == 'transport_url'])


def main(argv=None):
    argv = list(sys.argv if argv is None else argv)
    _register_transport_url()
    # Logs go to stderr: stdout is the command's answer.
    config.register_logging(CONF)
    CONF.set_default('use_stderr', True)
    if CONF._args is not None:
        CONF.clear()     # parsed before in this process (tests)
    CONF.register_cli_opt(category_opt)
    try:
        return _run(argv)
    finally:
        # Leave CONF as found, so that another command (or test) in this
        # process can parse its own command line.
        CONF.clear()
        CONF.unregister_opt(category_opt)


def _run(argv):
    try:
        config.parse_args(argv, init_rpc=False, configure_db=False)
    except SystemExit as exc:     # argparse: bad command line
        return exc.code if isinstance(exc.code, int) else BAD_INPUT
    except cfg.Error as exc:
        print(f'Bad configuration: {exc}', file=sys.stderr)
        return BAD_INPUT
    logging.getLogger('alembic').logger.setLevel(logging.WARNING)
    objects.register_all()
    if CONF.database.connection:
        main_db.configure(CONF)
    try:
        return CONF.category.action_fn()
    except BadInput as exc:
        print(str(exc), file=sys.stderr)
        return BAD_INPUT
    except exception.NovaException as exc:
        print(exc.format_message(), file=sys.stderr)
        return NOTHING
    except (sa.exc.SQLAlchemyError, db_exc.DBError) as exc:
        print(f'Database error: {mask_url(str(exc).splitlines()[0])}',
              file=sys.stderr)
        return NOTHING


if __name__ == '__main__':
    sys.exit(main())
