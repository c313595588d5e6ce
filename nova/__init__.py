"""A compute service speaking the OpenStack Compute API."""
