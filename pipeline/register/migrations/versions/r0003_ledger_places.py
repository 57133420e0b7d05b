"""Where each arrived file ended (its place and its letters) and when its data was purged.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable ADD COLUMN only: SQLite does it in place. Entries from before stay NULL,
    # and retention finds their files by hash instead.
    op.add_column("intake_ledger", sa.Column("placed", sa.String(1000), nullable=True))
    op.add_column("intake_ledger", sa.Column("documents", sa.JSON(), nullable=True))
    op.add_column("intake_ledger", sa.Column("purged_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("intake_ledger", "purged_at")
    op.drop_column("intake_ledger", "documents")
    op.drop_column("intake_ledger", "placed")
