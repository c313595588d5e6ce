"""A compute service speaking the OpenStack Compute API."""

import warnings

# Some libraries (futurist) import eventlet when it is installed, as
# oslo.service requires it; nova never uses or patches it, so its
# deprecation banner is noise on every command.
warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')

# oslo.service (pulled in by oslo.messaging) picks its eventlet backend
# unless told otherwise: choose native threads before anything imports it.
from oslo_service import backend as _oslo_service_backend

try:
    _oslo_service_backend.init_backend(_oslo_service_backend.BackendType.THREADING)
except _oslo_service_backend.exceptions.BackendAlreadySelected:
    pass
