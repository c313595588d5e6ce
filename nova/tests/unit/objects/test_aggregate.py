"""Aggregate and AggregateList over the API DB."""

import pytest

from nova import objects
from nova.objects import aggregate


def _agg(ctxt, name, zone=None, hosts=()):
    agg = objects.Aggregate(ctxt, name=name,
                            metadata={'availability_zone': zone} if zone
                            else {})
    agg.create()
    for host in hosts:
        agg.add_host(host)
    return agg


def test_create_and_get(ctxt):
    agg = _agg(ctxt, 'a1', zone='az1', hosts=['h1', 'h2'])
    found = objects.Aggregate.get_by_uuid(ctxt, agg.uuid)
    assert (found.name, found.availability_zone, found.hosts) == (
        'a1', 'az1', ['h1', 'h2'])
    assert objects.Aggregate.get_by_id(ctxt, agg.id).uuid == agg.uuid


def test_duplicate_name_is_refused(ctxt):
    _agg(ctxt, 'a1')
    with pytest.raises(aggregate.AggregateNameExists):
        _agg(ctxt, 'a1')


def test_update_metadata_none_removes(ctxt):
    agg = _agg(ctxt, 'a1', zone='az1')
    agg.update_metadata({'ssd': 'yes', 'availability_zone': None})
    assert objects.Aggregate.get_by_id(ctxt, agg.id).metadata == {
        'ssd': 'yes'}


def test_hosts_add_remove_errors(ctxt):
    agg = _agg(ctxt, 'a1', hosts=['h1'])
    with pytest.raises(aggregate.AggregateHostExists):
        agg.add_host('h1')
    agg.delete_host('h1')
    with pytest.raises(aggregate.AggregateHostNotFound):
        agg.delete_host('h1')


def test_destroy(ctxt):
    agg = _agg(ctxt, 'a1', zone='az1', hosts=['h1'])
    agg.destroy()
    with pytest.raises(aggregate.AggregateNotFound):
        objects.Aggregate.get_by_id(ctxt, agg.id)
    assert list(objects.AggregateList.get_by_host(ctxt, 'h1')) == []


def test_list_by_host_and_metadata_key(ctxt):
    a1 = _agg(ctxt, 'a1', zone='az1', hosts=['h1'])
    a2 = _agg(ctxt, 'a2', hosts=['h1', 'h2'])
    _agg(ctxt, 'a3', zone='az3', hosts=['h3'])
    assert [a.id for a in objects.AggregateList.get_by_host(ctxt, 'h1')] \
        == [a1.id, a2.id]
    assert [a.id for a in objects.AggregateList.get_by_host(
        ctxt, 'h1', key='availability_zone')] == [a1.id]
    zoned = objects.AggregateList.get_by_metadata_key(
        ctxt, 'availability_zone')
    assert [a.name for a in zoned] == ['a1', 'a3']
    assert [a.name for a in objects.AggregateList.get_by_metadata_key(
        ctxt, 'availability_zone', hosts=['h3'])] == ['a3']
