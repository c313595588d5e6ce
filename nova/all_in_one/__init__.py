"""The whole service on one machine, in one process (``nova-all``).

``settings`` writes the configuration a state directory runs with,
``bootstrap`` creates and maps the databases, ``virt`` picks the driver and
``stack`` starts and stops every part. The functional tests use the same
code, so what they prove is what ``nova-all`` runs.
"""
