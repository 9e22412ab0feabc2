"""API keys for programs, each acting as a service account (a user of kind "service") that
never signs in and is left out of every list of people.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 01:59:42.602773
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='person',
                                      nullable=False))
    op.create_table('api_keys',
    sa.Column('user_id', _ID, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('ingest_device_ids', sa.JSON(), nullable=False),
    sa.Column('expires_at', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('last_used_at', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('created_by_id', _ID, nullable=True),
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('factory_id', _ID, nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_api_keys_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['factory_id'], ['factories.id'], name=op.f('fk_api_keys_factory_id_factories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_keys_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_api_keys_secret_hash')),
    sa.UniqueConstraint('user_id', name=op.f('uq_api_keys_user_id')),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci',
    )
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_keys_factory_id'), ['factory_id'], unique=False)


def downgrade() -> None:
    # Service accounts become users that can never sign in (no password); dropping the table
    # drops its indexes (dropping them first fails on MySQL while a foreign key uses them).
    op.drop_table('api_keys')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('kind')
