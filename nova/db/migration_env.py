"""What both alembic environments do: migrate the connection that
nova.db.migration hands over (or the ini's URL, for alembic's CLI)."""

import sqlalchemy as sa


def run_migrations(context, target_metadata):
    config = context.config
    version_table = config.attributes.get('version_table',
                                          'alembic_version')
    connection = config.attributes.get('connection')
    if connection is None:
        engine = sa.create_engine(config.get_main_option('sqlalchemy.url'))
        with engine.connect() as connection:
            _run(context, connection, target_metadata, version_table)
        engine.dispose()
    else:
        _run(context, connection, target_metadata, version_table)


def _run(context, connection, target_metadata, version_table):
    context.configure(connection=connection,
                      target_metadata=target_metadata,
                      version_table=version_table,
                      # SQLite cannot ALTER most things: batch mode copies
                      # the table instead.
                      render_as_batch=connection.dialect.name == 'sqlite',
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
