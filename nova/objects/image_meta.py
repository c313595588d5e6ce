"""ImageMeta: what nova needs of a Glance image (not persisted alone)."""

from typing import ClassVar

from nova.objects import base, fields

_SIMPLE = ('id', 'name', 'status', 'disk_format', 'container_format',
           'min_ram', 'min_disk', 'size', 'checksum', 'owner',
           'created_at', 'updated_at')


@base.NovaObjectRegistry.register
class ImageMeta(base.NovaObject):
    VERSION = '1.0'

    fields: ClassVar[dict] = {
        'id': fields.UUIDField(nullable=True),
        'name': fields.StringField(nullable=True),
        'status': fields.StringField(nullable=True),
        'disk_format': fields.StringField(nullable=True),
        'container_format': fields.StringField(nullable=True),
        'min_ram': fields.IntegerField(nullable=True),
        'min_disk': fields.IntegerField(nullable=True),
        'size': fields.IntegerField(nullable=True),
        'checksum': fields.StringField(nullable=True),
        'properties': fields.DictOfNullableStringsField(default={}),
        'owner': fields.StringField(nullable=True),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
    }

    @classmethod
    def from_dict(cls, image):
        """An ImageMeta from a Glance image dict (``properties`` holds
        the image's extra properties; values become strings)."""
        image = image or {}
        obj = cls()
        for name in _SIMPLE:
            if image.get(name) is not None:
                setattr(obj, name, image[name])
        props = image.get('properties') or {}
        obj.properties = {str(k): None if v is None else str(v)
                          for k, v in props.items()}
        return obj

    def get(self, name, default=None):
        return getattr(self, name) if name in self else default
