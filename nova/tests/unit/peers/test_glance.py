"""Launching the real Glance and the tiny image it is given."""

import urllib.request

import pytest
from oslo_utils.imageutils import format_inspector

from nova.peers import glance


def test_make_qcow2_is_recognised_as_safe_qcow2(tmp_path):
    path = glance.make_qcow2(str(tmp_path / 'disk.qcow2'),
                             virtual_size=2 * 1024 ** 3)
    inspector = format_inspector.detect_file_format(path)
    assert inspector.NAME == 'qcow2'
    assert inspector.virtual_size == 2 * 1024 ** 3
    inspector.safety_check()


def test_start_answers_and_stop_frees_the_port(tmp_path):
    proc = glance.GlanceProcess(str(tmp_path), port=0)
    proc.start()
    try:
        with urllib.request.urlopen(proc.url + '/v2/images') as resp:
            assert resp.status == 200
    finally:
        proc.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(proc.url + '/v2/images', timeout=2)
    assert (tmp_path / 'glance-api.log').stat().st_size > 0
