"""Notification outbox: each delivery names its escalation step, carries a unique key per
alert, event, step, channel and recipient, and says when it is next due (a retry, a digest,
or the end of a worker's hold).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 09:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('step', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('dedupe_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', app.models.base.UTCDateTime(),
                                      nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_notification_deliveries_dedupe_key'), ['dedupe_key'])
        batch_op.create_index('ix_notification_deliveries_status_next_attempt_at',
                              ['status', 'next_attempt_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_deliveries_status_next_attempt_at')
        batch_op.drop_constraint(batch_op.f('uq_notification_deliveries_dedupe_key'),
                                 type_='unique')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('dedupe_key')
        batch_op.drop_column('step')
