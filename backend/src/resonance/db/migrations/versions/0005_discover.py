"""discover schema: provenance of discovered tracks, daily request usage

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "track_provenance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("seed_kind", sa.String(length=16), nullable=False),
        sa.Column("seed_ref", sa.String(length=255), nullable=False),
        sa.Column("seed_label", sa.String(length=512), nullable=False),
        sa.Column("relation", sa.String(length=32), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.id"],
            name=op.f("fk_track_provenance_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_track_provenance_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_track_provenance")),
        sa.UniqueConstraint(
            "user_id",
            "track_id",
            "provider",
            "seed_ref",
            name=op.f("uq_track_provenance_user_id"),
        ),
    )
    with op.batch_alter_table("track_provenance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_track_provenance_track_id"), ["track_id"])
        batch_op.create_index(batch_op.f("ix_track_provenance_user_id"), ["user_id"])
    op.create_table(
        "discovery_usage",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_discovery_usage_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "provider", "day", name=op.f("pk_discovery_usage")),
    )


def downgrade() -> None:
    op.drop_table("discovery_usage")
    with op.batch_alter_table("track_provenance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_track_provenance_user_id"))
        batch_op.drop_index(batch_op.f("ix_track_provenance_track_id"))
    op.drop_table("track_provenance")
