"""Client of the Glance v2 image API (keystoneauth, ``[glance]``).

Images are returned as plain dicts: Glance's own fields at the top level
and every extra (custom) property under ``properties``, which is what
``objects.ImageMeta.from_dict`` takes.
"""

import threading

from keystoneauth1 import adapter as ks_adapter
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import loading as ks_loading
from oslo_log import log as logging

import nova.conf
from nova import exception
from nova.i18n import _

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# Fields Glance v2 defines; anything else on an image is a property.
BASE_FIELDS = frozenset((
    'id', 'name', 'status', 'visibility', 'protected', 'checksum',
    'os_hash_algo', 'os_hash_value', 'owner', 'size', 'virtual_size',
    'min_ram', 'min_disk', 'disk_format', 'container_format', 'created_at',
    'updated_at', 'tags', 'file', 'schema', 'self', 'direct_url',
    'locations', 'os_hidden', 'stores'))

_CHUNK = 64 * 1024
_session_lock = threading.Lock()
_session = None


def _get_session():
    global _session
    with _session_lock:
        if _session is None:
            _session = ks_loading.load_session_from_conf_options(
                CONF, 'glance')
        return _session


def reset():
    """Forget the cached session (tests, SIGHUP)."""
    global _session
    with _session_lock:
        _session = None


def _from_glance(image):
    result = {k: v for k, v in image.items() if k in BASE_FIELDS}
    result['properties'] = {k: v for k, v in image.items()
                            if k not in BASE_FIELDS}
    return result


def _to_glance(meta):
    body = {k: v for k, v in meta.items()
            if k not in ('properties', 'id', 'status', 'size', 'checksum',
                         'created_at', 'updated_at', 'file', 'schema',
                         'self', 'virtual_size', 'owner')
            or (k == 'id' and v)}
    for key, value in (meta.get('properties') or {}).items():
        body[key] = str(value)
    return body


class API:
    """Glance v2 client; ``endpoint`` overrides ``[glance]
    endpoint_override`` (used by nova-all before config is read)."""

    def __init__(self, endpoint=None):
        self._endpoint = endpoint

    def _adapter(self):
        auth = ks_loading.load_auth_from_conf_options(CONF, 'glance')
        # With no [glance] auth_type the session carries no auth plugin,
        # so no token is sent (Glance without Keystone).
        return ks_adapter.Adapter(
            _get_session(), auth=auth, service_type='image',
            interface=CONF.glance.valid_interfaces,
            region_name=CONF.glance.region_name,
            endpoint_override=(self._endpoint
                               or CONF.glance.endpoint_override))

    def _request(self, method, url, image_id=None, **kwargs):
        adapter = self._adapter()
        try:
            resp = adapter.request(url, method, raise_exc=False,
                                   connect_retries=0, **kwargs)
        except (ks_exc.ConnectFailure, ks_exc.ConnectionError,
                ks_exc.EndpointNotFound, ks_exc.DiscoveryFailure,
                ks_exc.ConnectTimeout) as exc:
            where = (self._endpoint or CONF.glance.endpoint_override
                     or 'the catalog endpoint of the image service')
            raise exception.ImageServiceUnavailable(
                reason=_('cannot connect to %(url)s: %(err)s')
                % {'url': where, 'err': exc})
        if resp.status_code == 404 and image_id:
            raise exception.ImageNotFound(image_id=image_id)
        if resp.status_code >= 400:
            detail = resp.text[:500] if resp.text else resp.reason
            if resp.status_code == 404:
                raise exception.NotFound(detail)
            if resp.status_code in (401, 403):
                raise exception.Forbidden(
                    _('The image service refused %(m)s %(u)s: %(d)s')
                    % {'m': method, 'u': url, 'd': detail})
            if resp.status_code == 409:
                raise exception.Conflict(reason=detail)
            if resp.status_code < 500:
                raise exception.Invalid(
                    reason=_('the image service rejected the request: %s')
                    % detail)
            raise exception.ImageServiceUnavailable(
                reason=_('%(m)s %(u)s answered %(s)s: %(d)s')
                % {'m': method, 'u': url, 's': resp.status_code,
                   'd': detail})
        return resp

    def get(self, ctxt, image_id):
        """The image ``image_id``; ``ImageNotFound`` when there is none."""
        resp = self._request('GET', f'/v2/images/{image_id}',
                             image_id=image_id)
        return _from_glance(resp.json())

    def get_all(self, ctxt, filters=None, limit=None, marker=None):
        """Images matching Glance's list ``filters`` (name, status, ...),
        following pages unless ``limit`` is given."""
        params = dict(filters or {})
        if limit is not None:
            params['limit'] = limit
        if marker is not None:
            params['marker'] = marker
        images = []
        url = '/v2/images'
        while url:
            resp = self._request('GET', url, params=params)
            body = resp.json()
            images.extend(_from_glance(i) for i in body.get('images', []))
            if limit is not None and len(images) >= limit:
                return images[:limit]
            url = body.get('next')
            params = None   # 'next' already holds the query
        return images

    def download(self, ctxt, image_id, dst_path=None):
        """The image data: written to ``dst_path`` when given, else
        returned as bytes."""
        resp = self._request('GET', f'/v2/images/{image_id}/file',
                             image_id=image_id, stream=True)
        if dst_path is None:
            return resp.content
        with open(dst_path, 'wb') as dst:
            dst.writelines(resp.iter_content(_CHUNK))
        return None

    def create(self, ctxt, meta, data=None):
        """Create an image from ``meta`` (Glance fields, ``properties``);
        upload ``data`` (bytes or a file object) when given."""
        resp = self._request('POST', '/v2/images', json=_to_glance(meta))
        image = resp.json()
        if data is not None:
            try:
                self._request(
                    'PUT', '/v2/images/{}/file'.format(image['id']),
                    image_id=image['id'], data=data,
                    headers={'Content-Type': 'application/octet-stream'})
            except Exception:
                # Leave no empty 'queued' image behind.
                self._delete_quietly(image['id'])
                raise
            return self.get(ctxt, image['id'])
        return _from_glance(image)

    def upload(self, ctxt, image_id, data):
        """Upload ``data`` (bytes or a file object) to the existing
        (queued) image ``image_id``; the image then becomes active."""
        self._request('PUT', f'/v2/images/{image_id}/file',
                      image_id=image_id, data=data,
                      headers={'Content-Type': 'application/octet-stream'})

    def _delete_quietly(self, image_id):
        try:
            self._request('DELETE', f'/v2/images/{image_id}',
                          image_id=image_id)
        except Exception:
            LOG.warning('Could not remove the image %s after a failed '
                        'upload', image_id, exc_info=True)

    def delete(self, ctxt, image_id):
        """Delete the image; ``ImageNotFound`` when there is none."""
        self._request('DELETE', f'/v2/images/{image_id}',
                      image_id=image_id)
