"""/flavors/{flavor_id}/os-extra_specs: a flavor's extra specs.

From 2.86 the specs set are checked (see ``extra_spec_validators``).
"""

from nova import exception, objects
from nova.api import validation
from nova.api.openstack import api_version_request as avr
from nova.api.openstack.compute import extra_spec_validators
from nova.api.openstack.compute.schemas import flavor_extra_specs as schema
from nova.i18n import _


def _as_strings(specs):
    # The API accepts numbers and booleans and stores their text.
    return {key: (str(value).lower() if isinstance(value, bool) else str(value))
            for key, value in specs.items()}


class FlavorExtraSpecsController:

    @staticmethod
    def _flavor(req, flavor_id):
        return objects.Flavor.get_by_flavor_id(req.context, flavor_id)

    def index(self, req, flavor_id):
        req.context.can('os_compute_api:os-flavor-extra-specs:index')
        return {'extra_specs': dict(self._flavor(req, flavor_id).extra_specs)}

    def show(self, req, flavor_id, id):
        req.context.can('os_compute_api:os-flavor-extra-specs:show')
        specs = self._flavor(req, flavor_id).extra_specs
        if id not in specs:
            raise exception.NotFound(
                _('Flavor %(flavor_id)s has no extra spec with key %(key)s.')
                % {'flavor_id': flavor_id, 'key': id})
        return {id: specs[id]}

    def _set(self, req, flavor_id, new_specs):
        flavor = self._flavor(req, flavor_id)
        new_specs = _as_strings(new_specs)
        if avr.is_supported(req, '2.86'):
            for key, value in sorted(new_specs.items()):
                extra_spec_validators.validate(key, value)
        specs = dict(flavor.extra_specs)
        specs.update(new_specs)
        flavor.extra_specs = specs
        flavor.save()

    @validation.schema(schema.create)
    def create(self, req, flavor_id, body):
        req.context.can('os_compute_api:os-flavor-extra-specs:create',
                        target={})
        self._set(req, flavor_id, body['extra_specs'])
        return {'extra_specs': _as_strings(body['extra_specs'])}

    @validation.schema(schema.update)
    def update(self, req, flavor_id, id, body):
        req.context.can('os_compute_api:os-flavor-extra-specs:update',
                        target={})
        if id not in body:
            raise exception.ValidationError(
                detail=_('The key in the body (%(body)s) must match the key '
                         'in the URL (%(url)s).')
                % {'body': ', '.join(body), 'url': id})
        self._set(req, flavor_id, body)
        return _as_strings(body)

    def delete(self, req, flavor_id, id):
        req.context.can('os_compute_api:os-flavor-extra-specs:delete',
                        target={})
        flavor = self._flavor(req, flavor_id)
        if id not in flavor.extra_specs:
            raise exception.NotFound(
                _('Flavor %(flavor_id)s has no extra spec with key %(key)s.')
                % {'flavor_id': flavor_id, 'key': id})
        specs = dict(flavor.extra_specs)
        del specs[id]
        flavor.extra_specs = specs
        flavor.save()
