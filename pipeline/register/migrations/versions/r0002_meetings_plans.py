"""Meetings, action plans with agreements; follow-up outcome and purge mark on cases.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _case_fk() -> sa.Column[int]:
    return sa.Column(
        "case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    # Plain ADD COLUMN of nullable columns: SQLite supports it without a table copy.
    op.add_column("cases", sa.Column("followup_outcome", sa.String(20), nullable=True))
    op.add_column("cases", sa.Column("purged_at", sa.DateTime(), nullable=True))
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), primary_key=True),
        _case_fk(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("start", sa.DateTime(), nullable=False),
        sa.Column("end", sa.DateTime(), nullable=False),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_meetings_case_id", "meetings", ["case_id"])
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), primary_key=True),
        _case_fk(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("contingency", sa.Text(), nullable=True),
        sa.Column("bottom_lines_met", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_plans_case_id", "plans", ["case_id"])
    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "plan_id", sa.Integer(), sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("who", sa.Text(), nullable=False),
        sa.Column("by_when", sa.Text(), nullable=False),
        sa.Column("checks", sa.Text(), nullable=False),
    )
    op.create_index("ix_agreements_plan_id", "agreements", ["plan_id"])


def downgrade() -> None:
    op.drop_table("agreements")
    op.drop_table("plans")
    op.drop_table("meetings")
    op.drop_column("cases", "purged_at")
    op.drop_column("cases", "followup_outcome")
