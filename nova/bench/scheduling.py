"""``select_destinations`` with many hosts, without a compute behind each.

H real ``nova-compute`` services cost a lot of memory and heartbeats:
1,000 of them do not fit on a small machine. For the scheduler alone a
host is three rows: a ``nova-compute`` service (heartbeat fresh), its
compute node in cell1 and its resource provider with inventory in
Placement. ``python -m nova.bench.scheduling --config-file CONTROLLER.conf
--hosts N --requests R --out FILE`` adds such stand-in hosts
(``bench-sched-1`` ...) until the cell has N compute nodes, freshens their
heartbeats, then asks the running nova-scheduler R times, one request
at a time, ``select_destinations`` for one m1.tiny server, as the
conductor does (over the bus; the scheduler claims in Placement), and
removes each claim afterwards. It writes the client's round trip of
each request (seconds) to FILE as JSON.

:func:`measure` runs it for each size from the bench (daemons layout),
with the scheduler's own timers from its probe.
"""

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import time

from oslo_utils import uuidutils

from nova.bench import costs, report, stats

PREFIX = 'bench-sched'
# Stand-in hosts made or freshened this many at a time.
WORKERS = 4
INVENTORY = {'VCPU': 4096, 'MEMORY_MB': 4096 * 1024, 'DISK_GB': 1024 * 1024}


def _cell(ctxt):
    from nova import objects
    return next(c for c in objects.CellMappingList.get_all(ctxt)
                if not c.is_cell0())


def _add_host(ctxt, cell, name, client):
    from nova import context as nova_context
    from nova import objects
    from nova.objects import _db
    node_uuid = uuidutils.generate_uuid()
    with nova_context.target_cell(ctxt, cell) as cctxt:
        service = objects.Service(
            cctxt, host=name, binary='nova-compute', topic='compute',
            report_count=1, disabled=False, forced_down=False,
            last_seen_up=_db.utcnow())
        service.create()
        objects.ComputeNode(
            cctxt, uuid=node_uuid, service_id=service.id, host=name,
            hypervisor_hostname=name, vcpus=INVENTORY['VCPU'],
            memory_mb=INVENTORY['MEMORY_MB'], local_gb=INVENTORY['DISK_GB'],
            vcpus_used=0, memory_mb_used=0, local_gb_used=0,
            hypervisor_type='fake', hypervisor_version=1000,
            cpu_info='{}').create()
    client.ensure_resource_provider(ctxt, node_uuid, name)
    client.set_inventory_for_provider(ctxt, node_uuid, {
        rc: {'total': total, 'reserved': 0, 'min_unit': 1,
             'max_unit': total, 'step_size': 1, 'allocation_ratio': 1.0}
        for rc, total in INVENTORY.items()})


def _heartbeat(ctxt, cell, service):
    from nova import context as nova_context
    from nova.objects import _db
    with nova_context.target_cell(ctxt, cell):
        service.last_seen_up = _db.utcnow()
        service.save()


def grow(ctxt, hosts):
    """Stand-in hosts until cell1 has ``hosts`` compute nodes; every
    stand-in's heartbeat fresh. Returns how many were added."""
    from nova import context as nova_context
    from nova import objects
    from nova.scheduler.client import report as report_client
    cell = _cell(ctxt)
    client = report_client.report_client_singleton()

    def stand_ins():
        with nova_context.target_cell(ctxt, cell) as cctxt:
            return [s for s in objects.ServiceList.get_by_binary(
                cctxt, 'nova-compute') if s.host.startswith(PREFIX + '-')]

    with nova_context.target_cell(ctxt, cell) as cctxt:
        count = len(objects.ComputeNodeList.get_all(cctxt))
    taken = {s.host for s in stand_ins()}
    names, index = [], 1
    while len(names) < hosts - count:
        name = f'{PREFIX}-{index}'
        if name not in taken:
            names.append(name)
        index += 1
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(lambda n: _add_host(ctxt, cell, n, client), names))
        # Making many takes longer than service_down_time: all fresh now.
        list(pool.map(lambda s: _heartbeat(ctxt, cell, s), stand_ins()))
    return len(names)


def schedule(ctxt, requests):
    """Round trips (seconds) of ``requests`` select_destinations calls,
    one at a time; each claim is removed after its request."""
    from nova import rpc
    from nova.scheduler import dry_run, rpcapi
    from nova.scheduler.client import report as report_client
    if not rpc.initialized():
        import nova.conf
        rpc.init(nova.conf.CONF)
    api = rpcapi.SchedulerAPI()
    client = report_client.report_client_singleton()
    spec = dry_run.build_spec(ctxt, '1')
    times = []
    for _i in range(requests):
        uuid = uuidutils.generate_uuid()
        began = time.perf_counter()
        api.select_destinations(ctxt, spec, [uuid], return_objects=True,
                                return_alternates=True)
        times.append(time.perf_counter() - began)
        client.delete_allocation_for_instance(ctxt, uuid)
    return times


def build_parser():
    parser = argparse.ArgumentParser(prog='nova-bench-scheduling',
                                     description=__doc__.split('\n\n')[0])
    parser.add_argument('--hosts', type=int, required=True,
                        help='Compute nodes cell1 should have.')
    parser.add_argument('--requests', type=int, default=30,
                        help='select_destinations calls to time.')
    parser.add_argument('--out', required=True, help='JSON file written.')
    parser.add_argument('--no-grow', action='store_true',
                        help='Only time the requests (the hosts are there).')
    return parser


def main(argv=None):
    from nova import config
    from nova import context as nova_context
    args, rest = build_parser().parse_known_args(
        sys.argv[1:] if argv is None else argv)
    config.parse_args(['nova-bench-scheduling', *rest])
    ctxt = nova_context.get_admin_context()
    began = time.monotonic()
    added = 0 if args.no_grow else grow(ctxt, args.hosts)
    grown = time.monotonic() - began
    times = schedule(ctxt, args.requests)
    with open(args.out, 'w') as f:
        json.dump({'added': added, 'grow_s': grown, 'round_trip_s': times}, f)
    return 0


def measure(layout, sizes, requests, log=print, profile=()):
    """({size: figures}, {phase: profiles}) of select_destinations with ``size`` hosts: the
    client's round trip, the scheduler's own time (its probe's timer) and
    its Placement requests and DB statements per request.
    The first request after growing (cache warm-up) is timed apart.
    ``profile``: daemons py-spy records during the timed requests (phase
    ``schedN``)."""
    from nova.bench import run  # run imports this module
    out = {}
    profiles = {}
    conf = layout.confs['controller']
    for size in sorted(sizes):
        log(f'select_destinations with {size} hosts')
        path = os.path.join(layout.workdir, f'scheduling-{size}.json')
        # Grow and warm up (one request), then the timed requests.
        # The warm-up's request reads what growing changed (every
        # stand-in's heartbeat), as a scheduler's first request after
        # a start reads every host.
        for requests_now, label in ((1, 'warm-up'), (requests, 'timed')):
            before = costs.Moment(layout, f'before {label} {size}')
            profiler = run.Profiler(layout.workdir,
                                    profile if label == 'timed' else ())
            profiler.start(layout.pids(), f'sched{size}')
            try:
                proc = subprocess.run(
                    [sys.executable, '-m', 'nova.bench.scheduling',
                     '--hosts', str(size), '--requests', str(requests_now),
                     '--out', path, '--config-file', conf,
                     *(['--no-grow'] if label == 'timed' else [])],
                    capture_output=True, text=True, timeout=1800, check=False)
            finally:
                taken = profiler.stop()
            if taken:
                profiles[f'sched{size}'] = taken
            if proc.returncode:
                raise RuntimeError(f'nova.bench.scheduling --hosts {size} '
                                   f'failed: {proc.stderr[-2000:]}')
            after = costs.Moment(layout, f'after {label} {size}')
            with open(path) as f:
                data = json.load(f)
            if label == 'warm-up':
                first = data['round_trip_s'][0]
                grow_s = data['grow_s']
        samples = costs.timer_samples(before.probes, after.probes)
        cost = before.per_unit(after, requests)
        sched = samples.get('scheduler.select_destinations', [])
        http = samples.get('scheduler.placement_http', [])
        out[str(size)] = {
            'requests': requests,
            'select_destinations_p50_ms': report.ms(stats.percentile(sched, 50)),
            'select_destinations_p95_ms': report.ms(stats.percentile(sched, 95)),
            'round_trip_ms': {k: report.ms(v) for k, v in
                              stats.summary(data['round_trip_s']).items()
                              if k != 'count'},
            'first_request_ms': report.ms(first),
            'placement_requests': len(http) / requests,
            'placement_ms': report.ms(sum(http) / requests),
            'db_statements': cost['db_statements_by_daemon'].get('scheduler'),
            'stand_ins_added_in_s': grow_s,
        }
    return out, profiles


if __name__ == '__main__':
    sys.exit(main())
