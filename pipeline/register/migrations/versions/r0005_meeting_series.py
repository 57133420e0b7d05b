"""Meeting series (UID, SEQUENCE, cancellation), participant removal, referrer-text translations.

Revision ID: 0005
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable ADD COLUMN only (SQLite does it in place). Meetings from before keep a NULL
    # uid and are given the UID their calendar files already carry (derived from the case).
    op.add_column("meetings", sa.Column("uid", sa.String(100), nullable=True))
    op.add_column("meetings", sa.Column("sequence", sa.Integer(), nullable=True))
    op.add_column("meetings", sa.Column("cancelled_at", sa.DateTime(), nullable=True))
    op.add_column("participants", sa.Column("removed_at", sa.DateTime(), nullable=True))
    op.add_column("participants", sa.Column("history", sa.JSON(), nullable=True))
    op.add_column("cases", sa.Column("translations", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("cases", "translations")
    op.drop_column("participants", "history")
    op.drop_column("participants", "removed_at")
    op.drop_column("meetings", "cancelled_at")
    op.drop_column("meetings", "sequence")
    op.drop_column("meetings", "uid")
