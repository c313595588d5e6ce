"""Shared pieces of the LibvirtDriver unit tests (libvirt's test
hypervisor, ``test:///node.xml``: domains in memory, nothing runs)."""

import types
import uuid
import xml.etree.ElementTree as ET

NODE_XML = ('<node><cpu><mhz>2000</mhz><nodes>1</nodes><sockets>1</sockets>'
            '<cores>4</cores><threads>1</threads></cpu>'
            '<memory>16777216</memory></node>')
IMAGE_ID = '155d900f-4e14-4e4c-a73d-069cbf4541e6'


def instance(**kwargs):
    values = {'uuid': str(uuid.uuid4()), 'memory_mb': 256, 'vcpus': 1,
              'root_gb': 1, 'ephemeral_gb': 0, 'image_ref': IMAGE_ID}
    values.update(kwargs)
    return types.SimpleNamespace(**values)


def spawn(drv, inst, network_info=None, image_meta=None):
    drv.spawn(None, inst, image_meta or {'id': IMAGE_ID}, [], None, {},
              network_info=network_info)
    return inst


def domain_xml(drv, inst):
    return ET.fromstring(drv.host.find_domain(inst.uuid).XMLDesc())
