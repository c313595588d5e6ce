"""Console entry points: thin mains that parse configuration, build the
service(s) of one daemon and run them until SIGTERM/SIGINT."""
