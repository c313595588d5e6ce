"""Conductor APIs as the rest of nova uses them."""

from nova.conductor import rpcapi


class ComputeTaskAPI(rpcapi.ComputeTaskAPI):
    """What nova-api and nova-compute call to start build workflows."""


class API(rpcapi.ConductorAPI):
    """The object indirection API (``NovaObject.indirection_api``)."""
