"""The real OpenStack peer services (Placement, Glance) run for one machine.

``nova-all`` and the functional tests run the ``openstack-placement``
package in process and the ``glance`` package as a child process; in a
multi-host deployment operators run those services themselves.
"""
