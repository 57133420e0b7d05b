"""Time log, payers and their contracts, each case's payer, issued statements (issue 14).

Revision ID: 0007
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("municipalities", sa.JSON(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("payer_id", sa.Integer(), sa.ForeignKey("payers.id"), nullable=False),
        sa.Column("number", sa.String(100), nullable=False),
        sa.Column("unit", sa.String(10), nullable=False),
        sa.Column("rate_cents", sa.BigInteger(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("billable", sa.JSON(), nullable=False),
        sa.Column("rounding_minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_contracts_payer_id", "contracts", ["payer_id"])
    op.create_table(
        "case_payers",
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"),
                  primary_key=True, autoincrement=False),
        sa.Column("payer_id", sa.Integer(), sa.ForeignKey("payers.id"), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
    )
    op.create_index("ix_case_payers_payer_id", "case_payers", ["payer_id"])
    op.create_table(
        "statements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.String(20), nullable=False, unique=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("payer_id", sa.Integer(), sa.ForeignKey("payers.id"), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.UniqueConstraint("payer_id", "period", name="uq_statements_payer_period"),
        sa.UniqueConstraint("year", "seq", name="uq_statements_year_seq"),
    )
    op.create_table(
        "time_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("activity", sa.String(20), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("corrects_id", sa.Integer(), sa.ForeignKey("time_entries.id"), nullable=True),
        sa.Column("statement_id", sa.Integer(), sa.ForeignKey("statements.id"), nullable=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_time_entries_case_id", "time_entries", ["case_id"])
    op.create_index("ix_time_entries_statement_id", "time_entries", ["statement_id"])


def downgrade() -> None:
    op.drop_table("time_entries")
    op.drop_table("statements")
    op.drop_table("case_payers")
    op.drop_table("contracts")
    op.drop_table("payers")
