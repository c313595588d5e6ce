"""Two cells, each with its own database, RabbitMQ vhost and conductor,
as separate daemons: servers are created in the cell of the host the
scheduler chose; lists gather, sort and page across both cells; with
cell2's database server stopped, the API still answers (cell1's servers
in full, cell2's as the Compute API documents for a down cell) and boots
into cell1; once the database is back, everything is whole again. The
tests run in file order on one deployment."""

import os
import time

import pytest

from nova.tests.integration import deployment as deployment_mod
from nova.tests.integration import servers as servers_mod

CELL1_HOSTS = ('it-compute-1', 'it-compute-2')
CELL2_HOST = 'it-compute-3'
SERVERS = 12
DOWN_CELLS = '2.69'


@pytest.fixture(scope='module')
def deployment(tmp_path_factory):
    workdir = str(tmp_path_factory.mktemp('nova-it-cells'))
    cell2_db = servers_mod.PrivateMariaDB(os.path.join(workdir, 'cell2-db'))
    dep = None
    try:
        cell2_db.start()
        dep = deployment_mod.Deployment(workdir, computes=CELL1_HOSTS,
                                        cell2_hosts=(CELL2_HOST,),
                                        cell2_mysql=cell2_db)
        dep.cell2_db = cell2_db
        dep.start()
        yield dep
    finally:
        try:
            if dep is not None:
                dep.cleanup()
        finally:
            cell2_db.remove()


def _cell_of(deployment, server_id):
    rows = deployment.execute(
        'SELECT c.name FROM instance_mappings m JOIN cell_mappings c '
        'ON m.cell_id = c.id WHERE m.instance_uuid = %s', 'api', (server_id,))
    return rows[0][0] if rows else None


@pytest.fixture(scope='module')
def booted(deployment):
    """{server id: host} of SERVERS servers named s00, s01, ..."""
    api = deployment.api()
    image_id = deployment.image['id']
    ids = [api.create_server(f's{i:02d}', image_id)['id']
           for i in range(SERVERS)]
    hosts = {}
    for server_id in ids:
        server = api.wait_for_server(server_id, ('ACTIVE', 'ERROR'),
                                     timeout=90)
        assert server['status'] == 'ACTIVE', server.get('fault')
        hosts[server_id] = server['OS-EXT-SRV-ATTR:host']
    return hosts


def test_servers_are_created_in_the_cell_of_their_host(deployment, booted):
    assert set(booted.values()) == set(CELL1_HOSTS) | {CELL2_HOST}
    for server_id, host in booted.items():
        expected = 'cell2' if host == CELL2_HOST else 'cell1'
        assert _cell_of(deployment, server_id) == expected, host
        rows = deployment.execute('SELECT host FROM instances WHERE uuid = %s',
                                  expected, (server_id,))
        assert rows == ((host,),)


def _pages(api, path, limit):
    """Every server of a paged list, following the next links (which
    keep the sort and carry the marker)."""
    seen, url = [], f'{path}&limit={limit}'
    while True:
        body = api.get(url).json()
        seen += body['servers']
        links = [link['href'] for link in body.get('servers_links', ())
                 if link['rel'] == 'next']
        if not links:
            return seen
        assert 'marker=' in links[0], links
        url = '/servers/detail?' + links[0].split('?', 1)[1]


@pytest.mark.parametrize('direction', ['asc', 'desc'])
def test_lists_sort_and_page_across_both_cells(deployment, booted,
                                               direction):
    api = deployment.api()
    names = sorted((f's{i:02d}' for i in range(SERVERS)),
                   reverse=direction == 'desc')
    path = f'/servers/detail?sort_key=display_name&sort_dir={direction}'
    whole = api.get(path).json()['servers']
    assert [s['name'] for s in whole] == names
    paged = _pages(api, path, limit=5)
    assert [s['name'] for s in paged] == names
    assert {s['OS-EXT-SRV-ATTR:host'] for s in paged} == set(booted.values())


def _wait_for(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, 'timed out'
        time.sleep(0.3)


def test_a_cold_migration_stays_in_the_server_cell(deployment, booted):
    api = deployment.api()
    # cell2 has one host: nowhere to go there, and cell1's hosts are not
    # candidates (the server's row lives in cell2's database).
    lonely = next(sid for sid, host in booted.items() if host == CELL2_HOST)
    resp = api.post(f'/servers/{lonely}/action', json={'migrate': None})
    assert resp.status_code == 202, resp.text

    def ended():
        rows = deployment.execute(
            'SELECT status FROM migrations WHERE instance_uuid = %s',
            'cell2', (lonely,))
        return rows and rows[0][0] == 'error'
    _wait_for(ended)
    faults = deployment.execute(
        'SELECT message FROM instance_faults WHERE instance_uuid = %s',
        'cell2', (lonely,))
    assert any('in another cell than the server' in row[0]
               for row in faults), faults
    server = api.wait_for_server(lonely, ('ACTIVE',))
    assert server['OS-EXT-SRV-ATTR:host'] == CELL2_HOST
    # A cell1 server moves to the other cell1 host.
    mover, source = next((sid, host) for sid, host in booted.items()
                         if host in CELL1_HOSTS)
    resp = api.post(f'/servers/{mover}/action', json={'migrate': None})
    assert resp.status_code == 202, resp.text
    server = api.wait_for_server(mover, ('VERIFY_RESIZE', 'ERROR'),
                                 timeout=60)
    assert server['status'] == 'VERIFY_RESIZE', server.get('fault')
    (other,) = set(CELL1_HOSTS) - {source}
    assert server['OS-EXT-SRV-ATTR:host'] == other
    resp = api.post(f'/servers/{mover}/action', json={'confirmResize': None})
    assert resp.status_code == 204, resp.text
    api.wait_for_server(mover, ('ACTIVE',))
    booted[mover] = other
    assert _cell_of(deployment, mover) == 'cell1'


def test_a_cell_whose_database_is_down_is_shown_as_down(deployment, booted):
    api = deployment.api()
    in_cell2 = {sid for sid, host in booted.items() if host == CELL2_HOST}
    deployment.cell2_db.stop()
    try:
        # Before 2.69 the down cell's servers are left out.
        listed = api.get('/servers/detail').json()['servers']
        assert {s['id'] for s in listed} == set(booted) - in_cell2
        assert all(s['status'] == 'ACTIVE' for s in listed)
        # From 2.69 they are listed with what the API database knows.
        listed = api.get('/servers', microversion=DOWN_CELLS).json()[
            'servers']
        assert {s['id'] for s in listed} == set(booted)
        assert {s['id'] for s in listed if s.get('status') == 'UNKNOWN'} \
            == in_cell2
        one = next(iter(in_cell2))
        shown = api.get(f'/servers/{one}', microversion=DOWN_CELLS)
        assert shown.status_code == 200, shown.text
        assert shown.json()['server']['status'] == 'UNKNOWN'
        before = api.get(f'/servers/{one}')
        assert before.status_code == 503, before.text
        assert 'not answering' in next(iter(before.json().values()))['message']
        # Sorted (or paged) lists leave the down cell out at any version.
        names = [s['name'] for s in api.get(
            '/servers/detail?sort_key=display_name',
            microversion=DOWN_CELLS).json()['servers']]
        assert len(names) == SERVERS - len(in_cell2)
        assert names == sorted(names, reverse=True)   # desc by default
        # Boots still land, in the cell that answers.
        image_id = deployment.image['id']
        extra = api.create_server('while-cell2-down', image_id)['id']
        server = api.wait_for_server(extra, ('ACTIVE', 'ERROR'), timeout=90)
        assert server['status'] == 'ACTIVE', server.get('fault')
        assert server['OS-EXT-SRV-ATTR:host'] in CELL1_HOSTS
    finally:
        deployment.cell2_db.start()
    booted[extra] = server['OS-EXT-SRV-ATTR:host']
    listed = api.get('/servers/detail', microversion=DOWN_CELLS).json()[
        'servers']
    assert {s['id'] for s in listed} == set(booted)
    assert all(s['status'] == 'ACTIVE' for s in listed)


def test_deleting_across_both_cells_leaves_nothing(deployment, booted):
    api = deployment.api()
    for server_id in booted:
        resp = api.delete(f'/servers/{server_id}')
        assert resp.status_code == 204, resp.text
    for server_id in booted:
        api.wait_until_gone(server_id, timeout=60)
    placement = deployment.placement()
    for server_id in booted:
        assert placement.allocations(server_id) == {}
    for cell in ('cell1', 'cell2'):
        assert deployment.execute(
            'SELECT uuid FROM instances WHERE deleted = 0', cell) == ()
