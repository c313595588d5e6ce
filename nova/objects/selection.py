"""Selection: one host the scheduler picked (or an alternate)."""

from typing import ClassVar

from oslo_serialization import jsonutils

from nova.objects import base, fields


@base.NovaObjectRegistry.register
class Selection(base.NovaObject):
    VERSION = '1.0'

    fields: ClassVar[dict] = {
        'compute_node_uuid': fields.UUIDField(),
        'service_host': fields.StringField(),
        'nodename': fields.StringField(),
        'cell_uuid': fields.UUIDField(),
        'limits': fields.DictOfNullableStringsField(nullable=True,
                                                    default=None),
        # The Placement allocation request, as a JSON string.
        'allocation_request': fields.StringField(nullable=True),
        'allocation_request_version': fields.StringField(nullable=True),
    }

    @classmethod
    def from_host_state(cls, host_state, allocation_request=None,
                        allocation_request_version=None):
        """A Selection from a scheduler host state (duck-typed: uuid,
        host, nodename, cell_uuid, limits)."""
        return cls(
            compute_node_uuid=host_state.uuid,
            service_host=host_state.host,
            nodename=host_state.nodename,
            cell_uuid=host_state.cell_uuid,
            limits=getattr(host_state, 'limits', None),
            allocation_request=(jsonutils.dumps(allocation_request)
                                if allocation_request is not None
                                else None),
            allocation_request_version=allocation_request_version)
