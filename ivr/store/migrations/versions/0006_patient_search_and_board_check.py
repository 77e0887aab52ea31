"""patients.name_folded: the name without diacritics, lower case, for search ("nguyen" finds "Nguyễn");
indexes on escalations.updated_at and patients.updated_at: the admin board's cheap change check

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 15:20:00
"""
from alembic import op
import sqlalchemy as sa

from ivr.store.folding import fold


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_folded', sa.String(length=200), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_patients_updated_at'), ['updated_at'], unique=False)
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escalations_updated_at'), ['updated_at'], unique=False)
    bind = op.get_bind()
    patients = sa.table('patients', sa.column('id', sa.Integer), sa.column('name', sa.String),
                        sa.column('name_folded', sa.String))
    rows = bind.execute(sa.select(patients.c.id, patients.c.name)).all()
    for pid, name in rows:
        bind.execute(patients.update().where(patients.c.id == pid).values(name_folded=fold(name or "")[:200]))


def downgrade() -> None:
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalations_updated_at'))
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patients_updated_at'))
        batch_op.drop_column('name_folded')
