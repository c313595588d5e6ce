"""Small helpers shared across nova's services."""

import functools


def with_context(fn, context):
    """Wrap ``fn`` so that, in whatever thread runs it, ``context`` is the
    current request context: log lines then carry its request id."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        context.update_store()
        return fn(*args, **kwargs)
    return wrapper
