"""Index the intake ledger by file name (issue 11).

A watcher that starts after a crash finds the entry of each file left in processing/ by
the file's claimed name (`ledger.entry_by_file`); without the index each of those files
read the whole ledger, which holds every file that ever arrived.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_intake_ledger_file_name", "intake_ledger", ["file_name"])


def downgrade() -> None:
    op.drop_index("ix_intake_ledger_file_name", table_name="intake_ledger")
