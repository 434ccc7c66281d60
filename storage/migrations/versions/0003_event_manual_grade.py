"""events.manual_severity / graded_by / graded_at / grade_reason: an analyst's grade after 会商研判

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:00:00
"""
import sqlalchemy as sa
from alembic import op

import storage.tables

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('manual_severity', sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column('graded_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('graded_at', storage.tables.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('grade_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('grade_reason')
        batch_op.drop_column('graded_at')
        batch_op.drop_column('graded_by')
        batch_op.drop_column('manual_severity')
