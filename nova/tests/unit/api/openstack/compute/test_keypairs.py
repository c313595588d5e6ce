"""/os-keypairs against a real API DB."""

from tempest.lib.api_schema.response.compute.v2_1 import keypairs as v21
from tempest.lib.api_schema.response.compute.v2_2 import keypairs as v22

from nova.api import validation


def test_generate_keypair_returns_private_key(client, dbs):
    resp = client.post('/v2.1/os-keypairs', {'keypair': {'name': 'k1'}})
    assert resp.status_int == 200
    body = resp.json_body_or_none
    validation.validate(v21.create_keypair['response_body'], body)
    assert body['keypair']['private_key'].startswith('-----BEGIN')
    assert body['keypair']['public_key'].startswith('ssh-rsa ')


def test_import_keypair_at_2_2_is_201_with_type(client, dbs):
    generated = client.post('/v2.1/os-keypairs', {'keypair': {
        'name': 'gen'}}).json_body_or_none['keypair']
    resp = client.post('/v2.1/os-keypairs', {'keypair': {
        'name': 'imported', 'public_key': generated['public_key'],
        'type': 'ssh'}}, version='2.2')
    assert resp.status_int == 201
    body = resp.json_body_or_none
    validation.validate(v22.create_keypair['response_body'], body)
    assert body['keypair']['fingerprint'] == generated['fingerprint']
    assert 'private_key' not in body['keypair']


def test_import_invalid_key_is_400(client, dbs):
    resp = client.post('/v2.1/os-keypairs', {'keypair': {
        'name': 'bad', 'public_key': 'not a key'}})
    assert resp.status_int == 400
    assert 'Keypair data is invalid' in \
        resp.json_body_or_none['badRequest']['message']


def test_list_show_delete(client, dbs):
    client.post('/v2.1/os-keypairs', {'keypair': {'name': 'k1'}})
    resp = client.get('/v2.1/os-keypairs')
    validation.validate(v21.list_keypairs['response_body'],
                        resp.json_body_or_none)
    assert resp.json_body_or_none['keypairs'][0]['keypair']['name'] == 'k1'
    resp = client.get('/v2.1/os-keypairs/k1')
    validation.validate(v21.get_keypair['response_body'],
                        resp.json_body_or_none)
    assert client.delete('/v2.1/os-keypairs/k1').status_int == 202
    assert client.get('/v2.1/os-keypairs/k1').status_int == 404


def test_delete_at_2_2_is_204(client, dbs):
    client.post('/v2.1/os-keypairs', {'keypair': {'name': 'k1'}})
    assert client.delete('/v2.1/os-keypairs/k1',
                         version='2.2').status_int == 204


def test_duplicate_name_is_409(client, dbs):
    client.post('/v2.1/os-keypairs', {'keypair': {'name': 'k1'}})
    resp = client.post('/v2.1/os-keypairs', {'keypair': {'name': 'k1'}})
    assert resp.status_int == 409


def test_other_users_keys_need_admin(client, dbs):
    resp = client.get('/v2.1/os-keypairs?user_id=someone', version='2.10')
    assert resp.status_int == 403


def test_type_is_rejected_before_2_2(client, dbs):
    resp = client.post('/v2.1/os-keypairs', {'keypair': {
        'name': 'k1', 'type': 'ssh'}})
    assert resp.status_int == 400
    assert 'type' in resp.json_body_or_none['badRequest']['message']
