"""Image bodies of the /images proxy, from Glance v2 image dicts."""

from nova.api.openstack import common

_STATUS = {
    'active': 'ACTIVE', 'queued': 'SAVING', 'saving': 'SAVING',
    'uploading': 'SAVING', 'importing': 'SAVING', 'deleted': 'DELETED',
    'pending_delete': 'DELETED', 'killed': 'ERROR',
}
_PROGRESS = {'active': 100, 'saving': 50, 'queued': 25}


def _links(req, image_id):
    links = common.resource_links(req, 'images', image_id)
    links.append({'rel': 'alternate',
                  'type': 'application/vnd.openstack.image',
                  'href': common.image_bookmark(req, image_id)})
    return links


def basic(req, image):
    return {'id': image['id'], 'name': image.get('name'),
            'links': _links(req, image['id'])}


def detail(req, image):
    status = image.get('status')
    props = image.get('properties') or {}
    metadata = {k: str(v) for k, v in props.items()
                if not isinstance(v, (list, dict))}
    body = basic(req, image)
    body.update({
        'status': _STATUS.get(status, 'UNKNOWN'),
        'progress': _PROGRESS.get(status, 0),
        'created': image.get('created_at'),
        'updated': image.get('updated_at'),
        'minDisk': image.get('min_disk') or 0,
        'minRam': image.get('min_ram') or 0,
        'metadata': metadata,
        'OS-EXT-IMG-SIZE:size': image.get('size'),
    })
    server_id = props.get('instance_uuid')
    if server_id:
        body['server'] = {
            'id': server_id,
            'links': common.resource_links(req, 'servers', server_id)}
    return body
