"""deadlines at every step, city extensions, the submission lock, the round filing (issue 15)

Tables: step_extension (the province lets one city act after one step's deadline),
round_filing (a listed unit's filing in one round, Hunan 2025 existing national units).

Revision ID: 0009_step_deadlines
Revises: 0008_publication
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0009_step_deadlines"
down_revision = "0008_publication"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table('step_extension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('admin_unit_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=120), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('granted_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['admin_unit_id'], ['admin_unit.id'], name=op.f('fk_step_extension_admin_unit_id_admin_unit')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_step_extension_campaign_id_campaign')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_step_extension')),
    sa.UniqueConstraint('campaign_id', 'admin_unit_id', 'step', name=op.f('uq_step_extension_campaign_id_admin_unit_id_step'))
    )
    with op.batch_alter_table('step_extension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_step_extension_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('round_filing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('admin_unit_id', sa.Integer(), nullable=True),
    sa.Column('unit_type', sa.String(length=40), nullable=False),
    sa.Column('step', sa.String(length=120), nullable=False),
    sa.Column('levels', JSON, nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('industry', sa.String(length=80), nullable=True),
    sa.Column('values', JSON, nullable=False),
    sa.Column('score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['admin_unit_id'], ['admin_unit.id'], name=op.f('fk_round_filing_admin_unit_id_admin_unit')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_round_filing_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_round_filing_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_filing')),
    sa.UniqueConstraint('campaign_id', 'organization_id', 'unit_type', name=op.f('uq_round_filing_campaign_id_organization_id_unit_type'))
    )
    with op.batch_alter_table('round_filing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_filing_admin_unit_id'), ['admin_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_round_filing_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_round_filing_organization_id'), ['organization_id'], unique=False)


def downgrade():
    op.drop_table('round_filing')
    op.drop_table('step_extension')
