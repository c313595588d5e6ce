"""FakeImageAPI: a test double of ``nova.image.glance.API`` that serves
local files as image data, so driver tests need no Glance."""

import shutil
import threading
import time

from nova import exception


class FakeImageAPI:
    """Images are {image_id: local path}; ``downloads`` counts downloads
    per image, ``delay`` slows each one down (to widen races)."""

    def __init__(self, images=None, delay=0):
        self.images = dict(images or {})
        self.delay = delay
        self.downloads = {}
        self._lock = threading.Lock()

    def get(self, ctxt, image_id):
        if image_id not in self.images:
            raise exception.ImageNotFound(image_id=image_id)
        return {'id': image_id, 'status': 'active', 'properties': {}}

    def download(self, ctxt, image_id, dst_path=None):
        if image_id not in self.images:
            raise exception.ImageNotFound(image_id=image_id)
        with self._lock:
            self.downloads[image_id] = self.downloads.get(image_id, 0) + 1
        time.sleep(self.delay)
        if dst_path is None:
            with open(self.images[image_id], 'rb') as src:
                return src.read()
        shutil.copyfile(self.images[image_id], dst_path)
        return None
