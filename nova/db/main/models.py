"""SQLAlchemy models of a cell database.

Tables whose rows the API can still show after a delete (instances and
what hangs off them, services, compute nodes, migrations) are soft-deleted:
``deleted = id`` and ``deleted_at`` are set, so unique constraints that
include ``deleted`` let a new row reuse the values of a deleted one.
``nova-manage db archive_deleted_rows`` moves such rows into the
``shadow_<table>`` tables defined at the end of this module.
"""

import sqlalchemy as sa
from sqlalchemy import orm

from nova.db.types import MediumText


class Base(orm.DeclarativeBase):
    pass


class _SoftDelete:
    created_at = sa.Column(sa.DateTime, nullable=True)
    updated_at = sa.Column(sa.DateTime, nullable=True)
    deleted_at = sa.Column(sa.DateTime, nullable=True)
    deleted = sa.Column(sa.Integer, nullable=True, default=0)


class _Timestamps:
    created_at = sa.Column(sa.DateTime, nullable=True)
    updated_at = sa.Column(sa.DateTime, nullable=True)


class Instance(_SoftDelete, Base):
    __tablename__ = 'instances'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_instances0uuid'),
        sa.Index('instances_project_id_deleted_idx', 'project_id', 'deleted'),
        sa.Index('instances_project_id_idx', 'project_id'),
        sa.Index('instances_host_deleted_idx', 'host', 'deleted'),
        sa.Index('instances_host_node_deleted_idx', 'host', 'node', 'deleted'),
        sa.Index('instances_created_at_idx', 'created_at'),
        sa.Index('instances_updated_at_project_id_idx',
                 'updated_at', 'project_id'),
        sa.Index('instances_deleted_created_at_idx', 'deleted', 'created_at'),
        sa.Index('instances_reservation_id_idx', 'reservation_id'),
        sa.Index('instances_task_state_updated_at_idx',
                 'task_state', 'updated_at'),
        sa.Index('instances_uuid_deleted_idx', 'uuid', 'deleted'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    user_id = sa.Column(sa.String(255))
    project_id = sa.Column(sa.String(255))
    image_ref = sa.Column(sa.String(255))
    kernel_id = sa.Column(sa.String(255))
    ramdisk_id = sa.Column(sa.String(255))
    hostname = sa.Column(sa.String(255))
    display_name = sa.Column(sa.String(255))
    display_description = sa.Column(sa.Text)
    launch_index = sa.Column(sa.Integer)
    key_name = sa.Column(sa.String(255))
    key_data = sa.Column(sa.Text)
    power_state = sa.Column(sa.Integer)
    vm_state = sa.Column(sa.String(255))
    task_state = sa.Column(sa.String(255))
    memory_mb = sa.Column(sa.Integer)
    vcpus = sa.Column(sa.Integer)
    root_gb = sa.Column(sa.Integer)
    ephemeral_gb = sa.Column(sa.Integer)
    instance_type_id = sa.Column(sa.Integer)
    host = sa.Column(sa.String(255))
    node = sa.Column(sa.String(255))
    launched_on = sa.Column(sa.Text)
    launched_at = sa.Column(sa.DateTime)
    terminated_at = sa.Column(sa.DateTime)
    availability_zone = sa.Column(sa.String(255))
    locked = sa.Column(sa.Boolean)
    locked_by = sa.Column(sa.String(255))
    config_drive = sa.Column(sa.String(255))
    access_ip_v4 = sa.Column(sa.String(39))
    access_ip_v6 = sa.Column(sa.String(39))
    progress = sa.Column(sa.Integer)
    user_data = sa.Column(MediumText)
    reservation_id = sa.Column(sa.String(255))
    root_device_name = sa.Column(sa.String(255))
    os_type = sa.Column(sa.String(255))
    architecture = sa.Column(sa.String(255))
    cell_name = sa.Column(sa.String(255))


class InstanceExtra(_SoftDelete, Base):
    """Per-instance blobs too big or too rarely read for ``instances``."""
    __tablename__ = 'instance_extra'
    __table_args__ = (
        sa.UniqueConstraint('instance_uuid',
                            name='uniq_instance_extra0instance_uuid'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    instance_uuid = sa.Column(sa.String(36), sa.ForeignKey('instances.uuid'),
                              nullable=False)
    flavor = sa.Column(sa.Text)          # JSON: {"cur": ..., "old", "new"}
    numa_topology = sa.Column(sa.Text)
    pci_requests = sa.Column(sa.Text)
    device_metadata = sa.Column(sa.Text)
    trusted_certs = sa.Column(sa.Text)
    vcpu_model = sa.Column(sa.Text)
    migration_context = sa.Column(sa.Text)
    keypairs = sa.Column(sa.Text)
    resources = sa.Column(sa.Text)


class InstanceInfoCache(_SoftDelete, Base):
    __tablename__ = 'instance_info_caches'
    __table_args__ = (
        sa.UniqueConstraint('instance_uuid',
                            name='uniq_instance_info_caches0instance_uuid'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    instance_uuid = sa.Column(sa.String(36), sa.ForeignKey('instances.uuid'),
                              nullable=False)
    network_info = sa.Column(MediumText)


class InstanceMetadata(_SoftDelete, Base):
    __tablename__ = 'instance_metadata'
    __table_args__ = (
        sa.Index('instance_metadata_instance_uuid_idx', 'instance_uuid'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    key = sa.Column(sa.String(255))
    value = sa.Column(sa.String(255))
    instance_uuid = sa.Column(sa.String(36), sa.ForeignKey('instances.uuid'),
                              nullable=False)


class InstanceSystemMetadata(_SoftDelete, Base):
    __tablename__ = 'instance_system_metadata'
    __table_args__ = (
        sa.Index('instance_system_metadata_instance_uuid_idx',
                 'instance_uuid'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255))
    instance_uuid = sa.Column(sa.String(36), sa.ForeignKey('instances.uuid'),
                              nullable=False)


class InstanceFault(_SoftDelete, Base):
    __tablename__ = 'instance_faults'
    __table_args__ = (
        sa.Index('instance_faults_instance_uuid_deleted_created_at_idx',
                 'instance_uuid', 'deleted', 'created_at'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    instance_uuid = sa.Column(sa.String(36), sa.ForeignKey('instances.uuid'))
    code = sa.Column(sa.Integer, nullable=False)
    message = sa.Column(sa.String(255))
    details = sa.Column(MediumText)
    host = sa.Column(sa.String(255))


class InstanceAction(_SoftDelete, Base):
    __tablename__ = 'instance_actions'
    __table_args__ = (
        sa.Index('instance_uuid_idx', 'instance_uuid'),
        sa.Index('request_id_idx', 'request_id'),
        sa.Index('instance_actions_instance_uuid_updated_at_idx',
                 'instance_uuid', 'updated_at'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    action = sa.Column(sa.String(255))
    instance_uuid = sa.Column(sa.String(36), sa.ForeignKey('instances.uuid'))
    request_id = sa.Column(sa.String(255))
    user_id = sa.Column(sa.String(255))
    project_id = sa.Column(sa.String(255))
    start_time = sa.Column(sa.DateTime)
    finish_time = sa.Column(sa.DateTime)
    message = sa.Column(sa.String(255))


class InstanceActionEvent(_SoftDelete, Base):
    __tablename__ = 'instance_actions_events'
    __table_args__ = (
        sa.Index('instance_actions_events_action_id_idx', 'action_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    event = sa.Column(sa.String(255))
    action_id = sa.Column(sa.Integer, sa.ForeignKey('instance_actions.id'))
    start_time = sa.Column(sa.DateTime)
    finish_time = sa.Column(sa.DateTime)
    result = sa.Column(sa.String(255))
    traceback = sa.Column(sa.Text)
    host = sa.Column(sa.String(255))
    details = sa.Column(sa.Text)


class Tag(Base):
    """A tag of a server (``resource_id`` is the instance uuid)."""
    __tablename__ = 'tags'
    __table_args__ = (
        sa.Index('tags_tag_idx', 'tag'),
    )
    resource_id = sa.Column(sa.String(36), primary_key=True, nullable=False)
    tag = sa.Column(sa.Unicode(80), primary_key=True, nullable=False)


class BlockDeviceMapping(_SoftDelete, Base):
    __tablename__ = 'block_device_mapping'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_block_device_mapping0uuid'),
        sa.Index('block_device_mapping_instance_uuid_idx', 'instance_uuid'),
        sa.Index('block_device_mapping_instance_uuid_volume_id_idx',
                 'instance_uuid', 'volume_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    uuid = sa.Column(sa.String(36), nullable=True)
    instance_uuid = sa.Column(sa.String(36), sa.ForeignKey('instances.uuid'))
    source_type = sa.Column(sa.String(255))
    destination_type = sa.Column(sa.String(255))
    guest_format = sa.Column(sa.String(255))
    device_type = sa.Column(sa.String(255))
    disk_bus = sa.Column(sa.String(255))
    boot_index = sa.Column(sa.Integer)
    device_name = sa.Column(sa.String(255))
    delete_on_termination = sa.Column(sa.Boolean, default=False)
    snapshot_id = sa.Column(sa.String(36))
    volume_id = sa.Column(sa.String(36))
    volume_size = sa.Column(sa.Integer)
    volume_type = sa.Column(sa.String(255))
    image_id = sa.Column(sa.String(36))
    no_device = sa.Column(sa.Boolean)
    connection_info = sa.Column(MediumText)
    tag = sa.Column(sa.String(255))
    attachment_id = sa.Column(sa.String(36))
    encrypted = sa.Column(sa.Boolean, default=False)
    encryption_secret_uuid = sa.Column(sa.String(36))
    encryption_format = sa.Column(sa.String(128))
    encryption_options = sa.Column(sa.String(4096))


class ComputeNode(_SoftDelete, Base):
    __tablename__ = 'compute_nodes'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_compute_nodes0uuid'),
        sa.UniqueConstraint(
            'host', 'hypervisor_hostname', 'deleted',
            name='uniq_compute_nodes0host0hypervisor_hostname0deleted'),
        sa.Index('compute_nodes_host_idx', 'host'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    uuid = sa.Column(sa.String(36), nullable=True)
    service_id = sa.Column(sa.Integer, nullable=True)
    host = sa.Column(sa.String(255), nullable=True)
    hypervisor_hostname = sa.Column(sa.String(255))
    vcpus = sa.Column(sa.Integer, nullable=False)
    memory_mb = sa.Column(sa.Integer, nullable=False)
    local_gb = sa.Column(sa.Integer, nullable=False)
    vcpus_used = sa.Column(sa.Integer, nullable=False)
    memory_mb_used = sa.Column(sa.Integer, nullable=False)
    local_gb_used = sa.Column(sa.Integer, nullable=False)
    hypervisor_type = sa.Column(MediumText, nullable=False)
    hypervisor_version = sa.Column(sa.Integer, nullable=False)
    cpu_info = sa.Column(MediumText, nullable=False)
    free_ram_mb = sa.Column(sa.Integer)
    free_disk_gb = sa.Column(sa.Integer)
    running_vms = sa.Column(sa.Integer)
    disk_available_least = sa.Column(sa.Integer)
    current_workload = sa.Column(sa.Integer)
    host_ip = sa.Column(sa.String(39))
    cpu_allocation_ratio = sa.Column(sa.Float)
    ram_allocation_ratio = sa.Column(sa.Float)
    disk_allocation_ratio = sa.Column(sa.Float)
    stats = sa.Column(sa.Text, default='{}')
    mapped = sa.Column(sa.Integer, nullable=True, default=0)


class Service(_SoftDelete, Base):
    __tablename__ = 'services'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_services0uuid'),
        sa.UniqueConstraint('host', 'topic', 'deleted',
                            name='uniq_services0host0topic0deleted'),
        sa.UniqueConstraint('host', 'binary', 'deleted',
                            name='uniq_services0host0binary0deleted'),
        sa.Index('services_host_idx', 'host'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    uuid = sa.Column(sa.String(36), nullable=True)
    host = sa.Column(sa.String(255))
    binary = sa.Column(sa.String(255))
    topic = sa.Column(sa.String(255))
    report_count = sa.Column(sa.Integer, nullable=False, default=0)
    disabled = sa.Column(sa.Boolean, default=False)
    disabled_reason = sa.Column(sa.String(255))
    last_seen_up = sa.Column(sa.DateTime, nullable=True)
    forced_down = sa.Column(sa.Boolean, default=False)
    version = sa.Column(sa.Integer, default=0)


class Migration(_SoftDelete, Base):
    __tablename__ = 'migrations'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_migrations0uuid'),
        sa.Index('migrations_instance_uuid_and_status_idx',
                 'deleted', 'instance_uuid', 'status'),
        # Two indexes, not one over both hosts and nodes: MySQL caps an
        # index at 3072 bytes (255 utf8mb4 chars are 1020).
        sa.Index('migrations_by_source_compute_status_idx',
                 'deleted', 'source_compute', 'status'),
        sa.Index('migrations_by_dest_compute_status_idx',
                 'deleted', 'dest_compute', 'status'),
        sa.Index('migrations_updated_at_idx', 'updated_at'),
    )
    id = sa.Column(sa.Integer, primary_key=True, nullable=False)
    uuid = sa.Column(sa.String(36), nullable=True)
    source_compute = sa.Column(sa.String(255))
    dest_compute = sa.Column(sa.String(255))
    source_node = sa.Column(sa.String(255))
    dest_node = sa.Column(sa.String(255))
    dest_host = sa.Column(sa.String(255))
    old_instance_type_id = sa.Column(sa.Integer)
    new_instance_type_id = sa.Column(sa.Integer)
    instance_uuid = sa.Column(sa.String(36), sa.ForeignKey('instances.uuid'))
    # 'migrating', 'post-migrating', 'finished', 'confirmed', 'reverted',
    # 'error', 'failed', ...
    status = sa.Column(sa.String(255))
    # 'migration', 'resize', 'live-migration' or 'evacuation'
    migration_type = sa.Column(sa.String(32), nullable=True)
    hidden = sa.Column(sa.Boolean, default=False)
    memory_total = sa.Column(sa.BigInteger, nullable=True)
    memory_processed = sa.Column(sa.BigInteger, nullable=True)
    memory_remaining = sa.Column(sa.BigInteger, nullable=True)
    disk_total = sa.Column(sa.BigInteger, nullable=True)
    disk_processed = sa.Column(sa.BigInteger, nullable=True)
    disk_remaining = sa.Column(sa.BigInteger, nullable=True)
    cross_cell_move = sa.Column(sa.Boolean, default=False)
    user_id = sa.Column(sa.String(255), nullable=True)
    project_id = sa.Column(sa.String(255), nullable=True)


class VirtualInterface(_SoftDelete, Base):
    """One per port of an instance; the flat network keeps its IP here."""
    __tablename__ = 'virtual_interfaces'
    __table_args__ = (
        sa.UniqueConstraint('address', 'deleted',
                            name='uniq_virtual_interfaces0address0deleted'),
        sa.UniqueConstraint('ip_address', 'deleted',
                            name='uniq_virtual_interfaces0ip_address0deleted'),
        sa.Index('virtual_interfaces_instance_uuid_idx', 'instance_uuid'),
        sa.Index('virtual_interfaces_uuid_idx', 'uuid'),
    )
    id = sa.Column(sa.Integer, primary_key=True, nullable=False)
    uuid = sa.Column(sa.String(36))
    address = sa.Column(sa.String(255))
    instance_uuid = sa.Column(sa.String(36), sa.ForeignKey('instances.uuid'))
    network_name = sa.Column(sa.String(255))
    ip_address = sa.Column(sa.String(39))
    tag = sa.Column(sa.String(255))


class ConsoleAuthToken(_Timestamps, Base):
    """Where a remote console of an instance is, for the holder of a
    token; only the SHA-256 of the token is stored (see
    nova.objects.console_auth_token)."""
    __tablename__ = 'console_auth_tokens'
    __table_args__ = (
        sa.UniqueConstraint('token_hash',
                            name='uniq_console_auth_tokens0token_hash'),
        sa.Index('console_auth_tokens_instance_uuid_idx', 'instance_uuid'),
        sa.Index('console_auth_tokens_host_expires_idx', 'host', 'expires'),
    )
    id = sa.Column(sa.Integer, primary_key=True, nullable=False)
    token_hash = sa.Column(sa.String(255), nullable=False)
    console_type = sa.Column(sa.String(255), nullable=False)
    host = sa.Column(sa.String(255), nullable=False)
    port = sa.Column(sa.Integer, nullable=False)
    # The TLS port of a console that has one (SPICE); added by main_0002.
    tls_port = sa.Column(sa.Integer, nullable=True)
    internal_access_path = sa.Column(sa.String(255))
    instance_uuid = sa.Column(sa.String(36), sa.ForeignKey('instances.uuid'),
                              nullable=False)
    expires = sa.Column(sa.Integer, nullable=False)
    access_url_base = sa.Column(sa.String(255))


# Tables whose rows archive_deleted_rows moves to shadow tables. Children
# first: a child row goes with the deleted instance it belongs to.
INSTANCE_CHILD_TABLES = (
    'instance_actions_events', 'instance_actions', 'instance_faults',
    'instance_extra', 'instance_info_caches', 'instance_metadata',
    'instance_system_metadata', 'block_device_mapping', 'migrations',
    'virtual_interfaces', 'tags', 'console_auth_tokens',
)
ARCHIVED_TABLES = INSTANCE_CHILD_TABLES + (
    'instances', 'services', 'compute_nodes')

SHADOW_PREFIX = 'shadow_'


def _make_shadow_table(table):
    # Same columns, no constraints but the primary key: archived rows keep
    # their ids and may repeat values a unique constraint would refuse.
    columns = [sa.Column(c.name, c.type, primary_key=c.primary_key,
                         nullable=c.nullable, autoincrement=False)
               for c in table.columns]
    return sa.Table(SHADOW_PREFIX + table.name, Base.metadata, *columns)


SHADOW_TABLES = {name: _make_shadow_table(Base.metadata.tables[name])
                 for name in ARCHIVED_TABLES}
