"""nova-manage scheduler dry-run: the answer of a scheduler that claims
nothing, printed for an operator."""

import argparse

import pytest
import requests

from nova import objects
from nova.scheduler import dry_run


@pytest.fixture
def flavor(cells):
    flavor = objects.Flavor(cells.ctxt, name='small', flavorid='f1',
                            vcpus=1, memory_mb=1024, root_gb=1,
                            ephemeral_gb=0, swap=0, rxtx_factor=1.0,
                            vcpu_weight=0, disabled=False, is_public=True,
                            extra_specs={})
    flavor.create()
    return flavor


def _run(**kwargs):
    out, err = [], []
    code = dry_run.run(out=out.append, err=err.append, **kwargs)
    return code, out, err


def test_prints_hosts_and_alternates_and_claims_nothing(
        cells, scheduler_service, flavor, placement):
    node = cells.add_compute('a', memory_mb=8192)
    cells.add_compute('b', memory_mb=4096)
    code, out, err = _run(flavor='small', count=2)
    assert (code, err) == (0, [])
    assert out[0].startswith('server 1: a (node a, cell ')
    assert out[0].endswith('; alternates: b')
    # The first server counts: b now has more free VCPU and disk.
    assert out[1].startswith('server 2: b ')
    usages = requests.get(placement + f'/resource_providers/{node}/usages',
                          headers={'X-Auth-Token': 'admin'}).json()
    assert usages['usages']['MEMORY_MB'] == 0


def test_flavor_by_id_and_hints(cells, scheduler_service, flavor):
    cells.add_compute('a')
    code, out, _err = _run(flavor='f1', hints=[('different_host='
                                               '11111111-1111-1111-1111-'
                                               '111111111111')])
    assert code == 0 and out[0].startswith('server 1: a ')


def test_explains_no_valid_host(cells, scheduler_service, flavor):
    cells.add_compute('a', disabled=True)
    code, out, err = _run(flavor='small')
    assert (code, out) == (1, [])
    assert err == [('No valid host was found. 1 host was rejected: 1 by '
                   'ComputeFilter (service down or disabled).')]


@pytest.mark.parametrize('kwargs,words', [
    ({'flavor': 'nope'}, "No flavor has the id or name 'nope'."),
    ({'flavor': 'small', 'hints': ['novalue']},
     "--hint 'novalue' is not KEY=VALUE."),
    ({'flavor': 'small', 'count': 0}, '--count must be at least 1.'),
])
def test_bad_input_is_named(cells, flavor, kwargs, words):
    code, out, err = _run(**kwargs)
    assert (code, out, err) == (2, [], [words])


def test_command_line():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest='category')

    def add(subparsers, name, fn, help_text, args=()):
        p = subparsers.add_parser(name, help=help_text)
        for flags, kwargs in args:
            p.add_argument(*flags, **kwargs)
        p.set_defaults(action_fn=fn)

    dry_run.add_parsers(sub, add)
    args = parser.parse_args(['scheduler', 'dry-run', '--flavor', 'm1',
                              '--hint', 'a=1', '--hint', 'a=2',
                              '--availability-zone', 'az1', '--count', '3'])
    assert (args.dry_run_flavor, args.dry_run_hints, args.dry_run_zone,
            args.dry_run_count) == ('m1', ['a=1', 'a=2'], 'az1', 3)
    assert args.action_fn is dry_run.command
