"""Index of a factory's alerts by trigger time: the dashboard reads the newest alerts on every
refresh, and without it MariaDB sorted every alert of the factory to find five.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 11:12:19.124070
"""
from __future__ import annotations

from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_alerts_factory_id_triggered_at', 'alerts', ['factory_id', 'triggered_at'],
                    unique=False)


def downgrade() -> None:
    # ix_alerts_factory_id still serves the factory_id foreign key, so MySQL lets this go.
    op.drop_index('ix_alerts_factory_id_triggered_at', table_name='alerts')
