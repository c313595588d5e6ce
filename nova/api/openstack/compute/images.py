"""/images: a read-only proxy to Glance, removed in microversion 2.36."""

from nova.api import wsgi
from nova.api.openstack import common
from nova.api.openstack.compute.views import images as views
from nova.image import glance

# Query parameters of the proxy and the Glance v2 filter they become.
_FILTERS = {'name': 'name', 'status': 'status'}
MAX_VERSION = '2.35'


class ImagesController:
    def __init__(self):
        self.image_api = glance.API()

    @wsgi.api_version('2.1', MAX_VERSION)
    def show(self, req, id):
        req.context.can('os_compute_api:images:show')
        image = self.image_api.get(req.context, id)
        return {'image': views.detail(req, image)}

    def _list(self, req, detailed):
        req.context.can('os_compute_api:images:list')
        limit, marker = common.get_limit_and_marker(req)
        filters = {}
        for param, glance_name in _FILTERS.items():
            if param in req.GET:
                value = req.GET[param]
                filters[glance_name] = (value.lower() if param == 'status'
                                        else value)
        images = self.image_api.get_all(req.context, filters=filters,
                                        limit=limit, marker=marker)
        builder = views.detail if detailed else views.basic
        bodies = [builder(req, image) for image in images]
        result = {'images': bodies}
        links = common.next_link(
            req, 'images/detail' if detailed else 'images', bodies, limit)
        if links:
            result['images_links'] = links
        return result

    @wsgi.api_version('2.1', MAX_VERSION)
    def index(self, req):
        return self._list(req, detailed=False)

    @wsgi.api_version('2.1', MAX_VERSION)
    def detail(self, req):
        return self._list(req, detailed=True)
