"""FakeImageAPI: a test double of ``nova.image.glance.API`` that serves
local files as image data and keeps uploads in files, so driver tests
need no Glance."""

import os
import shutil
import tempfile
import threading
import time

from nova import exception


class FakeImageAPI:
    """Images are {image_id: local path}; ``downloads`` counts downloads
    per image, ``delay`` slows each one down (to widen races).
    :meth:`add_record` makes an image with no data yet (what the compute
    API creates before a snapshot); :meth:`upload` stores its data in
    ``upload_dir`` and makes it downloadable."""

    def __init__(self, images=None, delay=0, upload_dir=None):
        self.images = dict(images or {})
        self.records = {}
        self.delay = delay
        self.downloads = {}
        self.uploads = []
        self.upload_dir = upload_dir
        self._lock = threading.Lock()

    def add_record(self, image_id, **fields):
        self.records[image_id] = dict(fields, id=image_id, status='queued')

    def get(self, ctxt, image_id):
        if image_id in self.records:
            return dict(self.records[image_id], properties={})
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

    def upload(self, ctxt, image_id, data):
        if image_id not in self.records:
            raise exception.ImageNotFound(image_id=image_id)
        if self.upload_dir is None:
            self.upload_dir = tempfile.mkdtemp(prefix='fake-images-')
        path = os.path.join(self.upload_dir, image_id)
        with open(path, 'wb') as dst:
            if isinstance(data, bytes):
                dst.write(data)
            else:
                shutil.copyfileobj(data, dst)
        with self._lock:
            self.images[image_id] = path
            self.records[image_id]['status'] = 'active'
            self.uploads.append(image_id)
