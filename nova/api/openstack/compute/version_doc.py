"""GET /v2.1: this major version's document (min and max microversion)."""

from nova.api.openstack import versions


class VersionController:
    def show(self, req):
        key = 'v2.0' if req.environ.get('nova.legacy_v2') else 'v2.1'
        return versions.version_document(req, key)
