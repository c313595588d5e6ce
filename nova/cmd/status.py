"""nova-status: ``upgrade check`` tells an operator whether the deployment
is ready to run (oslo.upgradecheck: 0 success, 1 warning, 2 failure)."""

import sys

import sqlalchemy as sa
from keystoneauth1 import exceptions as ks_exc
from oslo_config import cfg
from oslo_db import exception as db_exc
from oslo_upgradecheck import upgradecheck

import nova.conf
from nova import config, context, exception, objects, servicegroup
from nova.db.api import api as api_db
from nova.i18n import _
from nova.objects import fields

CONF = nova.conf.CONF
Code = upgradecheck.Code
Result = upgradecheck.Result


def _api_db_ready():
    if not CONF.api_database.connection:
        return Result(Code.FAILURE,
                      _('[api_database] connection is not set: the API '
                        'database holds the cell mappings.'))
    api_db.configure(CONF)
    return None


def _db_failure(exc):
    return Result(Code.FAILURE, _(
        'Cannot read the databases (%s). Are they created and synced? '
        'Run "nova-manage api_db sync" and "nova-manage db sync".')
        % fields.mask_url(str(exc).splitlines()[0]))


class UpgradeCommands(upgradecheck.UpgradeCommands):

    def _check_cells(self):
        problem = _api_db_ready()
        if problem:
            return problem
        try:
            cells = objects.CellMappingList.get_all(
                context.get_admin_context())
        except (sa.exc.SQLAlchemyError, db_exc.DBError) as exc:
            return _db_failure(exc)
        has_cell0 = any(c.is_cell0() for c in cells)
        others = [c for c in cells if not c.is_cell0()]
        if not has_cell0:
            return Result(Code.FAILURE, _(
                'No cell0 mapping found. Run "nova-manage cell_v2 '
                'map_cell0" or "nova-manage cell_v2 simple_cell_setup".'))
        if not others:
            return Result(Code.FAILURE, _(
                'No cell mapping besides cell0: instances have nowhere to '
                'go. Run "nova-manage cell_v2 create_cell" or '
                '"nova-manage cell_v2 simple_cell_setup".'))
        return Result(Code.SUCCESS,
                      _('cell0 and %d cell(s) mapped') % len(others))

    def _check_computes(self):
        problem = _api_db_ready()
        if problem:
            return problem
        ctxt = context.get_admin_context()
        group = servicegroup.API()
        up, down = [], []
        try:
            cells = [c for c in objects.CellMappingList.get_all(ctxt)
                     if not c.is_cell0()]
            for cell in cells:
                with context.target_cell(ctxt, cell) as cctxt:
                    services = objects.ServiceList.get_by_binary(
                        cctxt, 'nova-compute')
                for service in services:
                    (up if group.service_is_up(service) else down).append(
                        service.host)
        except (sa.exc.SQLAlchemyError, db_exc.DBError) as exc:
            return _db_failure(exc)
        if not up and not down:
            return Result(Code.WARNING, _(
                'No compute service is registered yet: start nova-compute '
                'and run "nova-manage cell_v2 discover_hosts".'))
        if down:
            return Result(Code.WARNING, _(
                '%(down)d of %(all)d compute service(s) have not reported '
                'in the last %(secs)d seconds (service_down_time): '
                '%(hosts)s') % {'down': len(down), 'all': len(up) + len(down),
                                'secs': CONF.service_down_time,
                                'hosts': ', '.join(sorted(down))})
        return Result(Code.SUCCESS,
                      _('%d compute service(s) up') % len(up))

    def _check_placement(self):
        from nova.scheduler.client import report
        if not (CONF.placement.auth_type or
                CONF.placement.endpoint_override):
            return Result(Code.FAILURE, _(
                'No way to reach Placement is configured: set the '
                '[placement] auth options (auth_type, auth_url, ...) or '
                'endpoint_override.'))
        client = report.SchedulerReportClient()
        try:
            resp = client.get(context.get_admin_context(), '/', '1.0')
        except exception.PlacementAPIConnectFailure as exc:
            return Result(Code.FAILURE, exc.format_message())
        except ks_exc.MissingAuthPlugin:
            return Result(Code.FAILURE, _(
                'No way to reach Placement is configured: set the '
                '[placement] auth options (auth_type, auth_url, ...) or '
                'endpoint_override.'))
        except ks_exc.ClientException as exc:
            return Result(Code.FAILURE,
                          _('Placement could not be asked: %s') % exc)
        if resp.status_code in (401, 403):
            return Result(Code.FAILURE, _(
                'Placement refused our credentials (HTTP %d): check the '
                '[placement] auth options.') % resp.status_code)
        if resp.status_code >= 400:
            return Result(Code.FAILURE, _(
                'Placement answered HTTP %d to its version document.')
                % resp.status_code)
        return Result(Code.SUCCESS)

    _upgrade_checks = (
        (_('Cells v2'), _check_cells),
        (_('Compute services'), _check_computes),
        (_('Placement API'), _check_placement),
    )


_COMMANDS = UpgradeCommands()


def _add_parsers(subparsers):
    upgrade = subparsers.add_parser('upgrade')
    upgrade.add_argument('check')
    upgrade.add_argument('--json', action='store_true', default=False,
                         help='Print the results as JSON.')
    upgrade.set_defaults(action_fn=_COMMANDS.check)


command_opt = cfg.SubCommandOpt('command', handler=_add_parsers)


def main(argv=None):
    argv = list(sys.argv if argv is None else argv)
    config.register_logging(CONF)
    CONF.set_default('use_stderr', True)
    objects.register_all()
    if CONF._args is not None:
        CONF.clear()     # parsed before in this process (tests)
    CONF.register_cli_opt(command_opt)
    try:
        try:
            CONF(argv[1:], project='nova')
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else 2
        upgradecheck.CONF = CONF    # where it looks for --json
        return upgradecheck.run(CONF)
    finally:
        # Leave CONF as found for whatever else runs in this process.
        CONF.clear()
        CONF.unregister_opt(command_opt)


if __name__ == '__main__':
    sys.exit(main())
