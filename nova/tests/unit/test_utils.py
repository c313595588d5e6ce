"""nova.utils."""

import threading

from oslo_context import context as oslo_context

from nova import context as nova_context
from nova import utils


def test_with_context_makes_the_context_current_in_another_thread():
    ctxt = nova_context.RequestContext(user_id='u', project_id='p',
                                       overwrite=False)
    seen = []

    def work():
        seen.append(oslo_context.get_current())

    thread = threading.Thread(target=utils.with_context(work, ctxt))
    thread.start()
    thread.join()
    assert seen == [ctxt]
