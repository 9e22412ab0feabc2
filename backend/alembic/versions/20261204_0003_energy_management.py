"""Energy management: the asset tree with attached devices, virtual meters, production
entries, energy baselines and the shift calendar.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 02:00:05.726847
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _tenant_columns() -> list[sa.Column]:
    return [sa.Column('id', ID, autoincrement=True, nullable=False),
            sa.Column('factory_id', ID, nullable=False)]


def _timestamps() -> list[sa.Column]:
    return [sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
            sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False)]


def _factory_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['factory_id'], ['factories.id'],
                                   name=op.f(f'fk_{table}_factory_id_factories'),
                                   ondelete='CASCADE')


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns),
                    unique=False)


def upgrade() -> None:
    op.create_table(
        'asset_nodes',
        sa.Column('parent_id', ID, nullable=True),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('path', sa.String(length=255), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('production_unit', sa.String(length=32), nullable=True),
        *_tenant_columns(), *_timestamps(),
        _factory_fk('asset_nodes'),
        sa.ForeignKeyConstraint(['parent_id'], ['asset_nodes.id'],
                                name=op.f('fk_asset_nodes_parent_id_asset_nodes'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_asset_nodes')),
        mysql_charset='utf8mb4',
    )
    _index('asset_nodes', 'factory_id')
    _index('asset_nodes', 'parent_id')
    _index('asset_nodes', 'path')

    op.create_table(
        'asset_node_devices',
        sa.Column('node_id', ID, nullable=False),
        sa.Column('device_id', ID, nullable=False),
        *_tenant_columns(),
        _factory_fk('asset_node_devices'),
        sa.ForeignKeyConstraint(['device_id'], ['devices.id'],
                                name=op.f('fk_asset_node_devices_device_id_devices'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['node_id'], ['asset_nodes.id'],
                                name=op.f('fk_asset_node_devices_node_id_asset_nodes'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_asset_node_devices')),
        sa.UniqueConstraint('device_id', name=op.f('uq_asset_node_devices_device_id')),
        mysql_charset='utf8mb4',
    )
    _index('asset_node_devices', 'factory_id')
    _index('asset_node_devices', 'node_id')

    op.create_table(
        'virtual_meters',
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('description', sa.String(length=500), nullable=False),
        sa.Column('node_id', ID, nullable=True),
        *_tenant_columns(), *_timestamps(),
        _factory_fk('virtual_meters'),
        sa.ForeignKeyConstraint(['node_id'], ['asset_nodes.id'],
                                name=op.f('fk_virtual_meters_node_id_asset_nodes'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_virtual_meters')),
        mysql_charset='utf8mb4',
    )
    _index('virtual_meters', 'factory_id')
    _index('virtual_meters', 'node_id')

    op.create_table(
        'virtual_meter_terms',
        sa.Column('meter_id', ID, nullable=False),
        sa.Column('device_id', ID, nullable=False),
        sa.Column('sign', sa.Float(), nullable=False),
        *_tenant_columns(),
        _factory_fk('virtual_meter_terms'),
        sa.ForeignKeyConstraint(['device_id'], ['devices.id'],
                                name=op.f('fk_virtual_meter_terms_device_id_devices'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['meter_id'], ['virtual_meters.id'],
                                name=op.f('fk_virtual_meter_terms_meter_id_virtual_meters'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_virtual_meter_terms')),
        sa.UniqueConstraint('meter_id', 'device_id',
                            name=op.f('uq_virtual_meter_terms_meter_id_device_id')),
        mysql_charset='utf8mb4',
    )
    _index('virtual_meter_terms', 'factory_id')
    _index('virtual_meter_terms', 'meter_id')

    op.create_table(
        'production_entries',
        sa.Column('node_id', ID, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('quantity', sa.Float(), nullable=False),
        sa.Column('created_by', ID, nullable=True),
        *_tenant_columns(), *_timestamps(),
        _factory_fk('production_entries'),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'],
                                name=op.f('fk_production_entries_created_by_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['node_id'], ['asset_nodes.id'],
                                name=op.f('fk_production_entries_node_id_asset_nodes'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_production_entries')),
        sa.UniqueConstraint('node_id', 'day', name=op.f('uq_production_entries_node_id_day')),
        mysql_charset='utf8mb4',
    )
    _index('production_entries', 'factory_id')

    op.create_table(
        'energy_baselines',
        sa.Column('node_id', ID, nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('granularity', sa.String(length=8), nullable=False),
        sa.Column('temperature_device_id', ID, nullable=True),
        sa.Column('temperature_parameter', sa.String(length=64), nullable=True),
        sa.Column('model', sa.JSON(), nullable=True),
        sa.Column('fitted_at', app.models.base.UTCDateTime(), nullable=True),
        sa.Column('created_by', ID, nullable=True),
        *_tenant_columns(), *_timestamps(),
        _factory_fk('energy_baselines'),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'],
                                name=op.f('fk_energy_baselines_created_by_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['node_id'], ['asset_nodes.id'],
                                name=op.f('fk_energy_baselines_node_id_asset_nodes'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['temperature_device_id'], ['devices.id'],
                                name=op.f('fk_energy_baselines_temperature_device_id_devices'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_energy_baselines')),
        mysql_charset='utf8mb4',
    )
    _index('energy_baselines', 'factory_id')
    _index('energy_baselines', 'node_id')

    op.create_table(
        'shifts',
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('start_time', sa.String(length=5), nullable=False),
        sa.Column('end_time', sa.String(length=5), nullable=False),
        sa.Column('days', sa.JSON(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        *_tenant_columns(), *_timestamps(),
        _factory_fk('shifts'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shifts')),
        mysql_charset='utf8mb4',
    )
    _index('shifts', 'factory_id')


def downgrade() -> None:
    # Dropping a table drops its indexes; dropping them first would trip MySQL over the
    # indexes that back foreign keys. Children before parents.
    for table in ('shifts', 'energy_baselines', 'production_entries', 'virtual_meter_terms',
                  'virtual_meters', 'asset_node_devices', 'asset_nodes'):
        op.drop_table(table)
