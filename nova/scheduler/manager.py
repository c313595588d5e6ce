"""nova-scheduler: picks hosts for instances and claims them in Placement.

For one request: Placement proposes allocation candidates for the
flavor's resources and traits; the host manager joins them with the
compute nodes and services of the cells; filters drop unfit hosts and
weighers order the rest. For each instance the best host whose
allocation request Placement accepts is selected (consumer = instance
uuid), with alternates from the same cell for rescheduling. If one
instance cannot be placed, the claims made for the others are undone.
"""

import random
import time

import oslo_messaging as messaging
from oslo_log import log as logging
from oslo_service import periodic_task

import nova.conf
from nova import exception, manager, objects
from nova.i18n import _
from nova.scheduler import (
    filters,
    group_hosts,
    host_discovery,
    host_manager,
    request_filter,
    utils,
    weights,
)
from nova.scheduler.client import report
from nova.scheduler.filters import request_hosts

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


def _some_hosts(hosts, shown=5):
    """'a, b, c' or 'a, b, c, d, e and 7 more': a fault has 255
    characters, a cloud thousands of hosts."""
    names = ', '.join(h.host for h in hosts[:shown])
    if len(hosts) > shown:
        names += _(' and %d more') % (len(hosts) - shown)
    return names


class SchedulerManager(manager.Manager):
    """The ``scheduler`` topic's endpoint."""

    target = messaging.Target(version='1.1')
    service_name = 'scheduler'

    def __init__(self, host=None, *args, **kwargs):
        super().__init__(host=host, service_name='scheduler')
        self.host_manager = host_manager.HostManager()
        self._load_plugins()
        self._reportclient = None
        self._last_discovery = None

    def _load_plugins(self):
        self.filters = ([cls() for cls in request_hosts.REQUEST_FILTERS] +
                        filters.load_filters(
                            CONF.filter_scheduler.enabled_filters))
        self.weighers = weights.load_weighers(
            CONF.filter_scheduler.weight_classes)

    # The task runs every time; the interval option (read each time, so
    # that SIGHUP can change it) decides whether discovery is due.
    @periodic_task.periodic_task(spacing=5, run_immediately=True)
    def _discover_hosts_in_cells(self, context):
        interval = CONF.scheduler.discover_hosts_in_cells_interval
        now = time.monotonic()
        if interval < 0 or (self._last_discovery is not None and
                            now - self._last_discovery < interval):
            return
        self._last_discovery = now
        host_discovery.discover_hosts(context)

    @property
    def reportclient(self):
        if self._reportclient is None:
            self._reportclient = report.report_client_singleton()
        return self._reportclient

    def reset(self):
        self._load_plugins()
        self.host_manager.forget_cells()

    @messaging.expected_exceptions(exception.NoValidHost,
                                   exception.PlacementAPIConnectFailure)
    def select_destinations(self, ctxt, spec_obj=None, instance_uuids=None,
                            return_objects=True, return_alternates=True,
                            dry_run=False):
        """``dry_run`` (1.1): choose as for real but claim nothing."""
        try:
            host_lists = self._schedule(
                ctxt, spec_obj, None if dry_run else instance_uuids,
                return_alternates,
                num=len(instance_uuids) if dry_run and instance_uuids
                else None)
        except exception.NoValidHost as exc:
            # The one log line of a failed request: the same words as
            # the instance fault.
            LOG.info('No valid host for %(what)s %(uuids)s: %(reason)s',
                     {'what': 'dry run of' if dry_run else 'instances',
                      'uuids': instance_uuids,
                      'reason': exc.format_message()})
            raise
        except exception.PlacementAPIConnectFailure as exc:
            LOG.warning('Cannot schedule instances %(uuids)s: %(reason)s',
                        {'uuids': instance_uuids,
                         'reason': exc.format_message()})
            raise
        if not return_objects:
            return [{'host': hl[0].service_host, 'nodename': hl[0].nodename,
                     'limits': hl[0].limits} for hl in host_lists]
        return host_lists

    # -- the algorithm ----------------------------------------------------

    def _no_candidates(self, ctxt, request):
        """Why Placement proposed nothing, in one sentence."""
        reason = _('No host has %s (Placement returned no candidates') % \
            request.describe()
        narrowed = (request.member_of or request.not_member_of or
                    request.root_required or request.root_forbidden)
        if narrowed:
            loose = request_filter.relaxed(request)
            try:
                others, _s = \
                    self.reportclient.get_allocation_candidates_for(
                        ctxt, loose)
            except Exception:   # the explanation is a bonus
                LOG.debug('Could not ask Placement without the pre-filters',
                          exc_info=True)
                others = []
            hosts = {next(iter(a['allocations'])) for a in others}
            if len(hosts) == 1:
                reason += _('; 1 host that is disabled or outside these '
                            'limits has room')
            elif hosts:
                reason += _('; %d hosts that are disabled or outside '
                            'these limits have room') % len(hosts)
        return reason + ').'

    def _candidates(self, ctxt, spec, request):
        alloc_reqs, summaries = \
            self.reportclient.get_allocation_candidates_for(ctxt, request)
        if not alloc_reqs:
            raise exception.NoValidHost(
                reason=self._no_candidates(ctxt, request))
        hosts, missing, failed_cells = self.host_manager.get_host_states(
            ctxt, alloc_reqs, summaries)
        if not hosts:
            reason = _('Placement proposed %d hosts but none is the compute '
                       'node of a service in any cell') % len(missing)
            if failed_cells:
                reason += _(' (cells %s did not answer)') % ', '.join(
                    failed_cells)
            else:
                reason += _(' (deleted hosts?)')
            raise exception.NoValidHost(reason=reason + '.')
        result = filters.run_filters(self.filters, hosts, spec)
        if not result.hosts:
            raise exception.NoValidHost(reason=result.explain() + '.')
        return result.hosts

    def _refilter(self, hosts, spec, index, num):
        """The hosts that still pass the filters whose answer changes
        as this request's instances are placed (server group policies)."""
        again = [f for f in self.filters
                 if not f.run_filter_once_per_request]
        result = filters.run_filters(again, hosts, spec)
        if not result.hosts:
            raise exception.NoValidHost(reason=_(
                '%(placed)d of %(num)d instances were placed, then '
                '%(why)s.') % {'placed': index, 'num': num,
                               'why': result.explain()})
        return result.hosts

    def _order(self, hosts, spec):
        """Hosts best first; one of the best ``host_subset_size`` first."""
        ordered = [wh.host for wh in
                   weights.weigh_hosts(self.weighers, hosts, spec)]
        subset = min(CONF.filter_scheduler.host_subset_size, len(ordered))
        if subset > 1:
            ordered.insert(0, ordered.pop(random.randrange(subset)))
        return ordered

    def _claim_on(self, ctxt, spec, host, instance_uuid):
        """The allocation request claimed on ``host``, or None."""
        for areq in host.allocation_requests:
            if utils.claim_resources(ctxt, self.reportclient, spec,
                                     instance_uuid, areq,
                                     report.ALLOCATION_VERSION):
                return areq
        return None

    @staticmethod
    def _selection(host, areq):
        return objects.Selection.from_host_state(
            host, allocation_request=areq,
            allocation_request_version=report.ALLOCATION_VERSION)

    def _alternates(self, selected, ordered):
        """Other hosts of the selected host's cell, best first."""
        wanted = CONF.scheduler.max_attempts - 1
        alternates = []
        for host in ordered:
            if len(alternates) >= wanted:
                break
            if host is selected or host.cell_uuid != selected.cell_uuid:
                continue
            if host.allocation_requests:
                alternates.append(self._selection(
                    host, host.allocation_requests[0]))
        return alternates

    def _schedule(self, ctxt, spec, instance_uuids, return_alternates,
                  num=None):
        with group_hosts.scheduling(spec):
            return self._schedule_locked(ctxt, spec, instance_uuids,
                                         return_alternates, num)

    def _schedule_locked(self, ctxt, spec, instance_uuids,
                         return_alternates, num=None):
        request = request_filter.build_request(ctxt, spec)
        group_hosts.prepare(ctxt, spec, instance_uuids)
        hosts = self._candidates(ctxt, spec, request)
        num = num or (len(instance_uuids) if instance_uuids
                      else utils.spec_field(spec, 'num_instances', 1) or 1)
        host_lists = []
        claimed = []
        recorded = []
        try:
            for index in range(num):
                uuid = instance_uuids[index] if instance_uuids else None
                ordered = self._order(
                    self._refilter(hosts, spec, index, num) if index
                    else hosts, spec)
                selected = areq = None
                for host in ordered:
                    if not host.fits(request.total_resources()):
                        continue    # full with this request's instances
                    areq = (self._claim_on(ctxt, spec, host, uuid) if uuid
                            else host.allocation_requests[0])
                    if areq is not None:
                        selected = host
                        break
                if selected is None:
                    placed = (_('%(placed)d of %(num)d instances were '
                                'placed, then ') % {'placed': index,
                                                    'num': num}
                              if index else '')
                    raise exception.NoValidHost(reason=_(
                        '%(placed)snone of the hosts that passed the '
                        'filters (%(hosts)s) had %(res)s left (claims in '
                        'Placement failed).') % {
                            'placed': placed, 'res': request.describe(),
                            'hosts': _some_hosts(ordered)})
                selected.consume(request.total_resources(), uuid)
                if uuid:
                    claimed.append(uuid)
                    recorded.append((selected, uuid))
                    self.host_manager.placed(selected, uuid)
                group_hosts.placed(spec, selected.host, uuid)
                host_list = [self._selection(selected, areq)]
                if return_alternates:
                    host_list += self._alternates(selected, ordered)
                host_lists.append(host_list)
        except Exception:
            # Leave nothing half-made: no claim survives a failed request.
            group_hosts.forget(spec, claimed)
            self.host_manager.forget(recorded)
            for uuid in claimed:
                try:
                    self.reportclient.delete_allocation_for_instance(
                        ctxt, uuid)
                except Exception:
                    LOG.exception('Could not undo the claim of %s', uuid)
            raise
        return host_lists
