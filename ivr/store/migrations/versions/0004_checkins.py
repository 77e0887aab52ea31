"""check-in calls: windows, attempts, opt-out, household phones, escalation kind, area notification targets

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 15:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_AREA = sa.Enum('commune', 'district', 'province', name='arealevel', native_enum=False, length=32)
_NOTE = sa.Enum('pending', 'sent', 'failed', 'skipped', name='notificationstatus', native_enum=False, length=32)


def upgrade() -> None:
    # several patients of one household may share a phone
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patients_phone'))
        batch_op.create_index(batch_op.f('ix_patients_phone'), ['phone'], unique=False)
        batch_op.add_column(sa.Column('opted_out_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('opt_out_source', sa.String(length=32), nullable=False, server_default=''))
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='clinical'))

    op.create_table('checkin_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('window_date', sa.Date(), nullable=False),
    sa.Column('window', sa.String(length=32), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('paused', sa.Boolean(), nullable=False),
    sa.Column('planned_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('window_date', 'window')
    )
    with op.batch_alter_table('checkin_windows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_windows_window_date'), ['window_date'], unique=False)

    op.create_table('checkin_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('patient_ids', sa.JSON(), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('window_date', sa.Date(), nullable=False),
    sa.Column('window', sa.String(length=32), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('not_before', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=True),
    sa.Column('sip_code', sa.Integer(), nullable=True),
    sa.Column('answered_by', sa.String(length=16), nullable=False),
    sa.Column('answered_patient_id', sa.Integer(), nullable=True),
    sa.Column('worker', sa.String(length=100), nullable=False),
    sa.Column('notice_status', sa.String(length=16), nullable=False),
    sa.Column('notice_error', sa.Text(), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answered_patient_id'], ['patients.id'], ),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], ),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('window_date', 'window', 'phone', 'attempt')
    )
    with op.batch_alter_table('checkin_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_checkin_attempts_window', ['window_date', 'window', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkin_attempts_not_before'), ['not_before'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkin_attempts_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkin_attempts_phone'), ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkin_attempts_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkin_attempts_window_date'), ['window_date'], unique=False)

    op.create_table('notify_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', _AREA, nullable=False),
    sa.Column('province', sa.String(length=100), nullable=False),
    sa.Column('district', sa.String(length=100), nullable=False),
    sa.Column('commune', sa.String(length=100), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('target', sa.String(length=500), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('level', 'province', 'district', 'commune', 'channel', 'target')
    )

    op.create_table('area_notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('target', sa.String(length=500), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('province', sa.String(length=100), nullable=False),
    sa.Column('district', sa.String(length=100), nullable=False),
    sa.Column('commune', sa.String(length=100), nullable=False),
    sa.Column('idempotency_key', sa.String(length=150), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('status', _NOTE, nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['target_id'], ['notify_targets.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key', 'channel', 'target')
    )
    with op.batch_alter_table('area_notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_area_notifications_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_area_notifications_idempotency_key'), ['idempotency_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_area_notifications_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_area_notifications_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_area_notifications_target_id'), ['target_id'], unique=False)


def downgrade() -> None:
    op.drop_table('area_notifications')
    op.drop_table('notify_targets')
    op.drop_table('checkin_attempts')
    op.drop_table('checkin_windows')
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_column('opt_out_source')
        batch_op.drop_column('opted_out_at')
        batch_op.drop_index(batch_op.f('ix_patients_phone'))
        batch_op.create_index(batch_op.f('ix_patients_phone'), ['phone'], unique=True)
