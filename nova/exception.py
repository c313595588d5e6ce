"""Nova's exceptions.

Every exception a user can see carries an HTTP ``code`` and a message
built from ``msg_fmt``; the API fault middleware turns them into the
Compute API's error bodies. Add a class per distinct failure rather than
passing ad-hoc strings.
"""

import typing

from nova.i18n import _


class NovaException(Exception):
    msg_fmt = _('An unknown exception occurred.')
    code = 500
    headers: typing.ClassVar[dict] = {}
    safe = False

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        self.kwargs.setdefault('code', self.code)
        if not message:
            try:
                message = self.msg_fmt % kwargs
            except (KeyError, TypeError):
                message = self.msg_fmt
        self.message = str(message)
        super().__init__(self.message)

    def format_message(self):
        return self.message


class Invalid(NovaException):
    msg_fmt = _('Bad request: %(reason)s')
    code = 400


class ValidationError(Invalid):
    msg_fmt = '%(detail)s'


class InvalidInput(Invalid):
    msg_fmt = _('Invalid input received: %(reason)s')


class Forbidden(NovaException):
    msg_fmt = _('Forbidden')
    code = 403


class PolicyNotAuthorized(Forbidden):
    msg_fmt = _("Policy doesn't allow %(action)s to be performed.")


class NotFound(NovaException):
    msg_fmt = _('Resource could not be found.')
    code = 404


class Conflict(NovaException):
    msg_fmt = _('Conflict: %(reason)s')
    code = 409


class OverQuota(NovaException):
    msg_fmt = _('Quota exceeded for resources: %(overs)s')
    code = 403


class TooManyInstances(OverQuota):
    msg_fmt = _('Quota exceeded for %(overs)s: Requested %(req)s, but '
                'already used %(used)s of %(allowed)s %(overs)s')


class InstanceNotFound(NotFound):
    msg_fmt = _('Instance %(instance_id)s could not be found.')


class InstanceMappingNotFound(NotFound):
    msg_fmt = _('Instance %(uuid)s has no mapping to a cell.')


class BuildRequestNotFound(NotFound):
    msg_fmt = _('BuildRequest not found for instance %(uuid)s')


class RequestSpecNotFound(NotFound):
    msg_fmt = _('RequestSpec not found for instance %(instance_uuid)s')


class FlavorNotFound(NotFound):
    msg_fmt = _('Flavor %(flavor_id)s could not be found.')


class FlavorExists(Conflict):
    msg_fmt = _('Flavor with name %(name)s already exists.')


class FlavorIdExists(Conflict):
    msg_fmt = _('Flavor with ID %(flavor_id)s already exists.')


class ImageNotFound(NotFound):
    msg_fmt = _('Image %(image_id)s could not be found.')


class ImageNotActive(Invalid):
    msg_fmt = _('Image %(image_id)s is not active.')


class ImageServiceUnavailable(NovaException):
    msg_fmt = _('The image service is unreachable: %(reason)s')
    code = 503


class KeypairNotFound(NotFound):
    msg_fmt = _('Keypair %(name)s not found for user %(user_id)s')


class KeyPairExists(Conflict):
    msg_fmt = _("Key pair '%(key_name)s' already exists.")


class CellMappingNotFound(NotFound):
    msg_fmt = _('Cell %(uuid)s has no mapping.')


class HostMappingNotFound(NotFound):
    msg_fmt = _('Host %(name)s is not mapped to any cell')


class ComputeHostNotFound(NotFound):
    msg_fmt = _('Compute host %(host)s could not be found.')


class ComputeNodeNotFound(NotFound):
    msg_fmt = _('Compute node %(node)s could not be found.')


class ServiceNotFound(NotFound):
    msg_fmt = _('Service %(service_id)s could not be found.')


class InstanceActionNotFound(NotFound):
    msg_fmt = _('Action for request_id %(request_id)s on instance '
                '%(instance_uuid)s not found')


class MarkerNotFound(NotFound):
    msg_fmt = _('Marker %(marker)s could not be found.')
    code = 400


class InstanceInvalidState(Conflict):
    msg_fmt = _('Cannot %(method)s instance %(instance_uuid)s while it is '
                'in %(attr)s %(state)s')


class NoValidHost(NovaException):
    msg_fmt = _('No valid host was found. %(reason)s')


class ServiceNotAnswering(NovaException):
    msg_fmt = _('%(service)s did not answer within %(timeout)s s: it is down '
                'or overloaded, or the message bus lost the request.')


class MaxRetriesExceeded(NoValidHost):
    msg_fmt = _('Exceeded maximum number of retries. %(reason)s')


class PlacementAPIConnectFailure(NovaException):
    msg_fmt = _('Placement is unreachable: %(reason)s')
    code = 503


class ResourceProviderGenerationConflict(Conflict):
    msg_fmt = _('Resource provider %(uuid)s changed while it was being '
                'updated.')


class ResourceProviderNotFound(NotFound):
    msg_fmt = _('Placement has no resource provider %(uuid)s.')


class InventoryInUse(Conflict):
    msg_fmt = _('Inventory of resource provider %(uuid)s cannot be reduced '
                'below what instances use: %(detail)s')


class AllocationUpdateFailed(NovaException):
    msg_fmt = _('Failed to update allocations for consumer %(consumer_uuid)s: '
                '%(error)s')


class NoMoreFixedIps(NovaException):
    msg_fmt = _('No fixed IP address is free in network %(net)s.')


class ComputeResourcesUnavailable(NovaException):
    msg_fmt = _('Insufficient compute resources: %(reason)s')


class NetworkNotFound(NotFound):
    msg_fmt = _('Network %(network_id)s could not be found.')


class VirtDriverNotFound(NovaException):
    msg_fmt = _('Could not load the virt driver %(name)s.')


class InstanceSpawnFailure(NovaException):
    msg_fmt = _('The hypervisor failed to start the instance: %(reason)s')


class RescheduledException(NovaException):
    msg_fmt = _('Build of instance %(instance_uuid)s was re-scheduled: '
                '%(reason)s')


class BuildAbortException(NovaException):
    msg_fmt = _('Build of instance %(instance_uuid)s aborted: %(reason)s')


class ObjectActionError(NovaException):
    msg_fmt = _('Object action %(action)s failed because: %(reason)s')


class OrphanedObjectError(NovaException):
    msg_fmt = _('Cannot call %(method)s on orphaned %(objtype)s object')


class DBNotAllowed(NovaException):
    msg_fmt = _('%(binary)s attempted direct database access which is '
                'not allowed by policy')


class DatabaseUnavailable(NovaException):
    msg_fmt = _('The database is unavailable: %(reason)s')
    code = 503


class MessagingUnavailable(NovaException):
    msg_fmt = _('The message bus is unavailable: %(reason)s')
    code = 503


class ServiceUnavailable(NovaException):
    msg_fmt = _('Service unavailable: %(reason)s')
    code = 503


class UnexpectedTaskStateError(Conflict):
    msg_fmt = _('Conflict updating instance %(instance_uuid)s. '
                'Expected: %(expected)s. Actual: %(actual)s')


class UnexpectedDeletingTaskStateError(UnexpectedTaskStateError):
    pass


class InstanceExists(Conflict):
    msg_fmt = _('Instance %(name)s already exists.')


class CellMappingExists(Conflict):
    msg_fmt = _('A cell named %(name)s already exists.')


class ActionNotSupportedByDriver(NovaException):
    msg_fmt = _('The hypervisor of host %(host)s does not support '
                '%(action)s.')
    code = 501


class InstancePasswordSetFailed(Conflict):
    msg_fmt = _('Could not set the admin password of server '
                '%(instance_uuid)s: %(reason)s')
