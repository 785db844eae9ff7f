"""radio sessions: seeds, played tracks and feedback of each radio, until it expires

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "radio_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("seed_track_ids", sa.JSON(), nullable=False),
        sa.Column("played_track_ids", sa.JSON(), nullable=False),
        sa.Column("feedback", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_radio_sessions")),
    )
    with op.batch_alter_table("radio_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_radio_sessions_expires_at"), ["expires_at"])


def downgrade() -> None:
    with op.batch_alter_table("radio_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_radio_sessions_expires_at"))
    op.drop_table("radio_sessions")
