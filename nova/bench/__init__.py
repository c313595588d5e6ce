"""The benchmark behind ``tools/bench`` (doc/source/contributor/benchmark.rst).

``layouts`` starts the service (nova-all, or separate daemons over
RabbitMQ and MariaDB) with many fake hosts (``computes``, ``allinone``);
``probe`` counts DB statements, RPC messages and hop times inside each
daemon it starts; ``load`` is the clients; ``run`` the phases; ``costs``,
``stats``, ``report`` and ``plot`` turn records into figures.
"""
