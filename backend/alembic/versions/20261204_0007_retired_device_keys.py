"""Keys of deleted devices, kept for a grace period during which auto-registration does not
bring them back.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 09:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
_KEY = sa.String(length=128).with_variant(sa.String(length=128, collation='utf8mb4_bin'),
                                          'mysql', 'mariadb')


def upgrade() -> None:
    op.create_table('retired_device_keys',
    sa.Column('device_key', _KEY, nullable=False),
    sa.Column('retired_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('factory_id', _ID, nullable=False),
    sa.ForeignKeyConstraint(['factory_id'], ['factories.id'], name=op.f('fk_retired_device_keys_factory_id_factories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retired_device_keys')),
    sa.UniqueConstraint('factory_id', 'device_key', name=op.f('uq_retired_device_keys_factory_id_device_key')),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci',
    )
    with op.batch_alter_table('retired_device_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retired_device_keys_factory_id'), ['factory_id'], unique=False)


def downgrade() -> None:
    op.drop_table('retired_device_keys')
