"""Index the referral versions by the sha256 of their file (issue 11).

Registering a file first asks whether these bytes at this arrival time registered before
(`cases.cases_of_arrival`, what makes a re-run after a crash idempotent); without the
index that question read every version in the register, so each registration cost more
than the one before.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_referral_versions_sha256", "referral_versions", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_referral_versions_sha256", table_name="referral_versions")
