"""expert review, public notice, objections, list publication (issue 5)

Revision ID: 0004_review_lists
Revises: 0003_applications
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0004_review_lists"
down_revision = "0003_applications"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('public_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('period_days', sa.Integer(), nullable=False),
    sa.Column('period_count', sa.String(length=20), nullable=False),
    sa.Column('period_source', sa.String(length=40), nullable=False),
    sa.Column('period_cite', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('opened_by', sa.String(length=120), nullable=False),
    sa.Column('document_no', sa.String(length=100), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('published_by', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_notice'))
    )

    with op.batch_alter_table('public_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_notice_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_notice_status'), ['status'], unique=False)

    op.create_table('recommendation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('consulted_departments', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('exported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('exported_by', sa.String(length=120), nullable=True),
    sa.Column('document', sa.Text(), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation')),
    sa.UniqueConstraint('region', 'year', name=op.f('uq_recommendation_region_year'))
    )

    op.create_table('firm_affiliate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('relation', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['firm_id'], ['evaluator_firm.id'], name=op.f('fk_firm_affiliate_firm_id_evaluator_firm')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_firm_affiliate')),
    sa.UniqueConstraint('firm_id', 'uscc', name=op.f('uq_firm_affiliate_firm_id_uscc'))
    )

    with op.batch_alter_table('firm_affiliate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_firm_affiliate_firm_id'), ['firm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_firm_affiliate_uscc'), ['uscc'], unique=False)

    op.create_table('recommendation_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province', sa.String(length=40), nullable=False),
    sa.Column('province_name', sa.String(length=100), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('key_id', sa.String(length=40), nullable=False),
    sa.Column('exported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.String(length=120), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('application_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_recommendation_import_campaign_id_campaign')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation_import')),
    sa.UniqueConstraint('digest', name=op.f('uq_recommendation_import_digest')),
    sa.UniqueConstraint('province', 'year', name=op.f('uq_recommendation_import_province_year'))
    )

    op.create_table('evaluation_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('self_evaluation_by', sa.String(length=18), nullable=False),
    sa.Column('requested_by', sa.String(length=120), nullable=False),
    sa.Column('decided_by', sa.String(length=120), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('declarations', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_evaluation_request_application_id_application')),
    sa.ForeignKeyConstraint(['firm_id'], ['evaluator_firm.id'], name=op.f('fk_evaluation_request_firm_id_evaluator_firm')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_request'))
    )

    with op.batch_alter_table('evaluation_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_request_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_request_firm_id'), ['firm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_request_status'), ['status'], unique=False)

    op.create_table('expert_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('employer_uscc', sa.String(length=18), nullable=True),
    sa.Column('employer_name', sa.String(length=200), nullable=True),
    sa.Column('admin_unit_id', sa.Integer(), nullable=True),
    sa.Column('evaluator_firm_id', sa.Integer(), nullable=True),
    sa.Column('fields', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['admin_unit_id'], ['admin_unit.id'], name=op.f('fk_expert_profile_admin_unit_id_admin_unit')),
    sa.ForeignKeyConstraint(['evaluator_firm_id'], ['evaluator_firm.id'], name=op.f('fk_expert_profile_evaluator_firm_id_evaluator_firm')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_expert_profile_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_profile')),
    sa.UniqueConstraint('user_id', name=op.f('uq_expert_profile_user_id'))
    )

    with op.batch_alter_table('expert_profile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_profile_employer_uscc'), ['employer_uscc'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_profile_region'), ['region'], unique=False)

    op.create_table('notice_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('unit_type', sa.String(length=40), nullable=False),
    sa.Column('score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('tier', sa.String(length=20), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_notice_item_application_id_application')),
    sa.ForeignKeyConstraint(['notice_id'], ['public_notice.id'], name=op.f('fk_notice_item_notice_id_public_notice')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_notice_item_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_item')),
    sa.UniqueConstraint('notice_id', 'application_id', name=op.f('uq_notice_item_notice_id_application_id'))
    )

    with op.batch_alter_table('notice_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_item_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_item_notice_id'), ['notice_id'], unique=False)

    op.create_table('recommendation_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('tier', sa.String(length=20), nullable=True),
    sa.Column('gates', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('added_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_recommendation_item_application_id_application')),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], name=op.f('fk_recommendation_item_recommendation_id_recommendation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation_item')),
    sa.UniqueConstraint('recommendation_id', 'application_id', name=op.f('uq_recommendation_item_recommendation_id_application_id'))
    )

    with op.batch_alter_table('recommendation_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_item_recommendation_id'), ['recommendation_id'], unique=False)

    op.create_table('review_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('tier', sa.String(length=20), nullable=True),
    sa.Column('tier_label', sa.String(length=40), nullable=True),
    sa.Column('recommendable', sa.Boolean(), nullable=False),
    sa.Column('grading_source', sa.String(length=40), nullable=True),
    sa.Column('grading_cite', sa.String(length=500), nullable=True),
    sa.Column('experts', sa.Integer(), nullable=False),
    sa.Column('indicator_means', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('graded_by', sa.String(length=120), nullable=False),
    sa.Column('graded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_review_result_application_id_application')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_result')),
    sa.UniqueConstraint('application_id', name=op.f('uq_review_result_application_id'))
    )

    op.create_table('expert_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('assigned_by', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('scores', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('comment', sa.String(length=4000), nullable=True),
    sa.Column('total', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decline_reason', sa.String(length=500), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_expert_assignment_application_id_application')),
    sa.ForeignKeyConstraint(['expert_id'], ['expert_profile.id'], name=op.f('fk_expert_assignment_expert_id_expert_profile')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_assignment')),
    sa.UniqueConstraint('application_id', 'expert_id', name=op.f('uq_expert_assignment_application_id_expert_id'))
    )

    with op.batch_alter_table('expert_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_assignment_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_assignment_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_assignment_status'), ['status'], unique=False)

    op.create_table('objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('contact', sa.String(length=120), nullable=False),
    sa.Column('objector_unit', sa.String(length=200), nullable=True),
    sa.Column('grounds', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('resolution', sa.String(length=2000), nullable=True),
    sa.Column('resolved_by', sa.String(length=120), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['notice_item.id'], name=op.f('fk_objection_item_id_notice_item')),
    sa.ForeignKeyConstraint(['notice_id'], ['public_notice.id'], name=op.f('fk_objection_notice_id_public_notice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objection'))
    )

    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objection_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_objection_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_objection_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.drop_index('ix_objection_item_id')
        batch_op.drop_index('ix_objection_notice_id')
        batch_op.drop_index('ix_objection_status')
    op.drop_table('objection')
    with op.batch_alter_table('expert_assignment', schema=None) as batch_op:
        batch_op.drop_index('ix_expert_assignment_application_id')
        batch_op.drop_index('ix_expert_assignment_expert_id')
        batch_op.drop_index('ix_expert_assignment_status')
    op.drop_table('expert_assignment')
    op.drop_table('review_result')
    with op.batch_alter_table('recommendation_item', schema=None) as batch_op:
        batch_op.drop_index('ix_recommendation_item_recommendation_id')
    op.drop_table('recommendation_item')
    with op.batch_alter_table('notice_item', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_item_application_id')
        batch_op.drop_index('ix_notice_item_notice_id')
    op.drop_table('notice_item')
    with op.batch_alter_table('expert_profile', schema=None) as batch_op:
        batch_op.drop_index('ix_expert_profile_employer_uscc')
        batch_op.drop_index('ix_expert_profile_region')
    op.drop_table('expert_profile')
    with op.batch_alter_table('evaluation_request', schema=None) as batch_op:
        batch_op.drop_index('ix_evaluation_request_application_id')
        batch_op.drop_index('ix_evaluation_request_firm_id')
        batch_op.drop_index('ix_evaluation_request_status')
    op.drop_table('evaluation_request')
    op.drop_table('recommendation_import')
    with op.batch_alter_table('firm_affiliate', schema=None) as batch_op:
        batch_op.drop_index('ix_firm_affiliate_firm_id')
        batch_op.drop_index('ix_firm_affiliate_uscc')
    op.drop_table('firm_affiliate')
    op.drop_table('recommendation')
    with op.batch_alter_table('public_notice', schema=None) as batch_op:
        batch_op.drop_index('ix_public_notice_region')
        batch_op.drop_index('ix_public_notice_status')
    op.drop_table('public_notice')
