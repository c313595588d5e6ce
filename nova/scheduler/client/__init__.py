"""Clients the scheduler (and others) use to reach peer services."""
