"""The version of this service, as reported by services and the API."""

from importlib import metadata

try:
    version_string = metadata.version('nova')
except metadata.PackageNotFoundError:  # running from a source tree
    version_string = '0.1.0'

# The Compute service version stored in the services table; bump it when a
# compute starts to depend on a newer RPC or object contract.
SERVICE_VERSION = 1
