"""Alert channels: WhatsApp templates per factory, webhook endpoints, and the delivery
statuses providers report later (delivered, read, failed with a code).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 08:47:50.635077
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('webhook_endpoints',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('secret', sa.String(length=80), nullable=False),
    sa.Column('events', sa.JSON(), nullable=False),
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('factory_id', _ID, nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['factory_id'], ['factories.id'], name=op.f('fk_webhook_endpoints_factory_id_factories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoints')),
    sa.UniqueConstraint('factory_id', 'name', name=op.f('uq_webhook_endpoints_factory_id_name')),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci',
    )
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_endpoints_factory_id'), ['factory_id'], unique=False)

    op.create_table('whatsapp_templates',
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('meta_name', sa.String(length=512), nullable=True),
    sa.Column('meta_language', sa.String(length=16), nullable=True),
    sa.Column('twilio_content_sid', sa.String(length=34), nullable=True),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('factory_id', _ID, nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['factory_id'], ['factories.id'], name=op.f('fk_whatsapp_templates_factory_id_factories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_whatsapp_templates')),
    sa.UniqueConstraint('factory_id', 'purpose', name=op.f('uq_whatsapp_templates_factory_id_purpose')),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci',
    )
    with op.batch_alter_table('whatsapp_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_whatsapp_templates_factory_id'), ['factory_id'], unique=False)

    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event', sa.String(length=16), server_default='raised', nullable=False))
        batch_op.add_column(sa.Column('webhook_id', _ID, nullable=True))
        batch_op.add_column(sa.Column('provider_message_id', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('error_code', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('delivered_at', app.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('read_at', app.models.base.UTCDateTime(), nullable=True))
        batch_op.create_index('ix_notification_deliveries_provider_message_id', ['provider_message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_deliveries_webhook_id'), ['webhook_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notification_deliveries_webhook_id_webhook_endpoints'), 'webhook_endpoints', ['webhook_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    # The foreign key goes before its index (MySQL refuses to drop an index a key uses).
    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notification_deliveries_webhook_id_webhook_endpoints'), type_='foreignkey')
    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_deliveries_webhook_id'))
        batch_op.drop_index('ix_notification_deliveries_provider_message_id')
        batch_op.drop_column('read_at')
        batch_op.drop_column('delivered_at')
        batch_op.drop_column('error_code')
        batch_op.drop_column('provider_message_id')
        batch_op.drop_column('webhook_id')
        batch_op.drop_column('event')
    op.drop_table('whatsapp_templates')
    op.drop_table('webhook_endpoints')
