"""audio schema: files seen by the local-library scanner

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
    op.create_table(
        "library_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("root", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("track_id", sa.Integer(), nullable=True),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.id"],
            name=op.f("fk_library_files_track_id_tracks"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_files")),
        sa.UniqueConstraint("path", name=op.f("uq_library_files_path")),
    )
    with op.batch_alter_table("library_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_library_files_root"), ["root"], unique=False)
        batch_op.create_index(batch_op.f("ix_library_files_track_id"), ["track_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("library_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_library_files_track_id"))
        batch_op.drop_index(batch_op.f("ix_library_files_root"))
    op.drop_table("library_files")
