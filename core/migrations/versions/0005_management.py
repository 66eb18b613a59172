"""listed units over the years: filings, removals, complaints, changes, re-reviews (issue 6)

Tables: annual_filing, filing_reminder, removal, complaint, change_report, re_review, management_file.

Revision ID: 0005_management
Revises: 0004_review_lists
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0005_management"
down_revision = "0004_review_lists"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('management_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_type', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('storage_name', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_management_file')),
    sa.UniqueConstraint('storage_name', name=op.f('uq_management_file_storage_name'))
    )
    with op.batch_alter_table('management_file', schema=None) as batch_op:
        batch_op.create_index('ix_management_file_record', ['record_type', 'record_id'], unique=False)

    op.create_table('annual_filing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('unit_type', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('admin_unit_id', sa.Integer(), nullable=True),
    sa.Column('levels', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('correct_until', sa.Date(), nullable=True),
    sa.Column('industry', sa.String(length=80), nullable=True),
    sa.Column('values', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('key_data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('complete', sa.Boolean(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by', sa.String(length=120), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by', sa.String(length=120), nullable=True),
    sa.Column('review_note', sa.String(length=500), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['admin_unit_id'], ['admin_unit.id'], name=op.f('fk_annual_filing_admin_unit_id_admin_unit')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_annual_filing_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_filing')),
    sa.UniqueConstraint('organization_id', 'unit_type', 'year', name=op.f('uq_annual_filing_organization_id_unit_type_year'))
    )
    with op.batch_alter_table('annual_filing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_filing_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_annual_filing_progress', ['year', 'admin_unit_id', 'status'], unique=False)

    op.create_table('removal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('org_name', sa.String(length=200), nullable=False),
    sa.Column('admin_unit_id', sa.Integer(), nullable=True),
    sa.Column('unit_type', sa.String(length=40), nullable=True),
    sa.Column('levels', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('sanction_code', sa.String(length=80), nullable=False),
    sa.Column('sanction_title', sa.String(length=300), nullable=False),
    sa.Column('sanction_source', sa.String(length=40), nullable=False),
    sa.Column('cite', sa.String(length=500), nullable=False),
    sa.Column('immediate', sa.Boolean(), nullable=False),
    sa.Column('ban_years', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('evidence_note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_ref', sa.String(length=80), nullable=True),
    sa.Column('proposed_by', sa.String(length=120), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=120), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.String(length=500), nullable=True),
    sa.Column('published_by', sa.String(length=120), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('notice_no', sa.String(length=100), nullable=True),
    sa.Column('entries', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('ban_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['admin_unit_id'], ['admin_unit.id'], name=op.f('fk_removal_admin_unit_id_admin_unit')),
    sa.ForeignKeyConstraint(['ban_id'], ['ban.id'], name=op.f('fk_removal_ban_id_ban')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_removal_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_removal')),
    sa.UniqueConstraint('source', 'source_ref', name=op.f('uq_removal_source_source_ref'))
    )
    with op.batch_alter_table('removal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_removal_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_removal_status', ['status', 'admin_unit_id'], unique=False)

    op.create_table('change_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('admin_unit_id', sa.Integer(), nullable=True),
    sa.Column('kinds', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reported_by', sa.String(length=120), nullable=False),
    sa.Column('reviewed_by', sa.String(length=120), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.String(length=500), nullable=True),
    sa.Column('higher_levels', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('send_up_year', sa.Integer(), nullable=True),
    sa.Column('removal_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['admin_unit_id'], ['admin_unit.id'], name=op.f('fk_change_report_admin_unit_id_admin_unit')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_change_report_organization_id_organization')),
    sa.ForeignKeyConstraint(['removal_id'], ['removal.id'], name=op.f('fk_change_report_removal_id_removal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_report'))
    )
    with op.batch_alter_table('change_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_report_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_change_report_status', ['status', 'admin_unit_id'], unique=False)

    op.create_table('complaint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_kind', sa.String(length=20), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('evaluator_firm_id', sa.Integer(), nullable=True),
    sa.Column('subject_uscc', sa.String(length=18), nullable=False),
    sa.Column('subject_name', sa.String(length=200), nullable=False),
    sa.Column('admin_unit_id', sa.Integer(), nullable=True),
    sa.Column('complainant_name', sa.String(length=100), nullable=False),
    sa.Column('complainant_contact', sa.String(length=120), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('evidence_note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('filed_by', sa.String(length=120), nullable=False),
    sa.Column('finding', sa.Text(), nullable=True),
    sa.Column('verified_by', sa.String(length=120), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rectify_until', sa.Date(), nullable=True),
    sa.Column('rectified_on', sa.Date(), nullable=True),
    sa.Column('rectification_note', sa.Text(), nullable=True),
    sa.Column('removal_id', sa.Integer(), nullable=True),
    sa.Column('ban_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['admin_unit_id'], ['admin_unit.id'], name=op.f('fk_complaint_admin_unit_id_admin_unit')),
    sa.ForeignKeyConstraint(['ban_id'], ['ban.id'], name=op.f('fk_complaint_ban_id_ban')),
    sa.ForeignKeyConstraint(['evaluator_firm_id'], ['evaluator_firm.id'], name=op.f('fk_complaint_evaluator_firm_id_evaluator_firm')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_complaint_organization_id_organization')),
    sa.ForeignKeyConstraint(['removal_id'], ['removal.id'], name=op.f('fk_complaint_removal_id_removal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint'))
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_complaint_status', ['status', 'admin_unit_id'], unique=False)

    op.create_table('filing_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filing_id', sa.Integer(), nullable=False),
    sa.Column('days_before', sa.Integer(), nullable=False),
    sa.Column('remind_on', sa.Date(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['filing_id'], ['annual_filing.id'], name=op.f('fk_filing_reminder_filing_id_annual_filing')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filing_reminder')),
    sa.UniqueConstraint('filing_id', 'days_before', name=op.f('uq_filing_reminder_filing_id_days_before'))
    )
    with op.batch_alter_table('filing_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filing_reminder_filing_id'), ['filing_id'], unique=False)

    op.create_table('re_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('unit_type', sa.String(length=40), nullable=False),
    sa.Column('admin_unit_id', sa.Integer(), nullable=True),
    sa.Column('cycle_year', sa.Integer(), nullable=False),
    sa.Column('listed_year', sa.Integer(), nullable=False),
    sa.Column('levels', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('basis', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('scheduled_on', sa.Date(), nullable=True),
    sa.Column('result_note', sa.Text(), nullable=True),
    sa.Column('reviewed_by', sa.String(length=120), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removal_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['admin_unit_id'], ['admin_unit.id'], name=op.f('fk_re_review_admin_unit_id_admin_unit')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_re_review_organization_id_organization')),
    sa.ForeignKeyConstraint(['removal_id'], ['removal.id'], name=op.f('fk_re_review_removal_id_removal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_re_review')),
    sa.UniqueConstraint('organization_id', 'unit_type', 'cycle_year', name=op.f('uq_re_review_organization_id_unit_type_cycle_year'))
    )
    with op.batch_alter_table('re_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_re_review_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_re_review_status', ['cycle_year', 'admin_unit_id', 'status'], unique=False)



def downgrade():
    with op.batch_alter_table('re_review', schema=None) as batch_op:
        batch_op.drop_index('ix_re_review_status')
        batch_op.drop_index(batch_op.f('ix_re_review_organization_id'))

    op.drop_table('re_review')
    with op.batch_alter_table('filing_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filing_reminder_filing_id'))

    op.drop_table('filing_reminder')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_status')
        batch_op.drop_index(batch_op.f('ix_complaint_organization_id'))

    op.drop_table('complaint')
    with op.batch_alter_table('change_report', schema=None) as batch_op:
        batch_op.drop_index('ix_change_report_status')
        batch_op.drop_index(batch_op.f('ix_change_report_organization_id'))

    op.drop_table('change_report')
    with op.batch_alter_table('removal', schema=None) as batch_op:
        batch_op.drop_index('ix_removal_status')
        batch_op.drop_index(batch_op.f('ix_removal_organization_id'))

    op.drop_table('removal')
    with op.batch_alter_table('annual_filing', schema=None) as batch_op:
        batch_op.drop_index('ix_annual_filing_progress')
        batch_op.drop_index(batch_op.f('ix_annual_filing_organization_id'))

    op.drop_table('annual_filing')
    with op.batch_alter_table('management_file', schema=None) as batch_op:
        batch_op.drop_index('ix_management_file_record')

    op.drop_table('management_file')
