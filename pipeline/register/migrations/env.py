"""Alembic environment: always run programmatically by `pipeline.register.db.migrate`.

`migrate` opens the transaction (and takes the lock) and passes the
connection in `config.attributes["connection"]`.
"""

from __future__ import annotations

from alembic import context

from pipeline.register.tables import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    transactional_ddl=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
