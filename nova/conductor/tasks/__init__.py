"""Conductor workflows, one module each."""
