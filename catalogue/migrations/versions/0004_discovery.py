"""discovery for researchers: judged comparable variables and their shared concepts, baskets, access
requests split per study with their history, and the notification outbox

Revision ID: 0004_discovery
Revises: 0003_search
Create Date: 2026-12-01 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_discovery"
down_revision = "0003_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shared_concept",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=253), nullable=False),
        sa.Column("ddi_id", sa.String(length=255), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("label", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shared_concept")),
        sa.UniqueConstraint("ddi_id", name=op.f("uq_shared_concept_ddi_id")),
    )
    op.create_table(
        "comparable_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("left_agency", sa.String(length=253), nullable=False),
        sa.Column("left_ddi_id", sa.String(length=255), nullable=False),
        sa.Column("left_version", sa.String(length=64), nullable=False),
        sa.Column("left_study_id", sa.Integer(), nullable=False),
        sa.Column("right_agency", sa.String(length=253), nullable=False),
        sa.Column("right_ddi_id", sa.String(length=255), nullable=False),
        sa.Column("right_version", sa.String(length=64), nullable=False),
        sa.Column("right_study_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("concept_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=320), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["concept_id"], ["shared_concept.id"],
                                name=op.f("fk_comparable_link_concept_id_shared_concept"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["left_study_id"], ["study.id"], name=op.f("fk_comparable_link_left_study_id_study"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["right_study_id"], ["study.id"],
                                name=op.f("fk_comparable_link_right_study_id_study"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comparable_link")),
        sa.UniqueConstraint("left_agency", "left_ddi_id", "right_agency", "right_ddi_id",
                            name="uq_comparable_link_pair"),
    )
    with op.batch_alter_table("comparable_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comparable_link_concept_id"), ["concept_id"], unique=False)
        batch_op.create_index("ix_comparable_link_left", ["left_agency", "left_ddi_id"], unique=False)
        batch_op.create_index("ix_comparable_link_right", ["right_agency", "right_ddi_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_comparable_link_left_study_id"), ["left_study_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_comparable_link_right_study_id"), ["right_study_id"], unique=False)

    op.create_table(
        "basket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("anonymous_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_basket_account_id_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_basket")),
        sa.UniqueConstraint("account_id", name=op.f("uq_basket_account_id")),
        sa.UniqueConstraint("anonymous_sha256", name=op.f("uq_basket_anonymous_sha256")),
    )
    op.create_table(
        "basket_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("basket_id", sa.Integer(), nullable=False),
        sa.Column("urn", sa.String(length=700), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["basket_id"], ["basket.id"], name=op.f("fk_basket_entry_basket_id_basket"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_basket_entry")),
        sa.UniqueConstraint("basket_id", "urn", name=op.f("uq_basket_entry_basket_id_urn")),
    )
    with op.batch_alter_table("basket_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_basket_entry_basket_id"), ["basket_id"], unique=False)

    op.create_table(
        "access_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("institution", sa.String(length=300), nullable=False),
        sa.Column("intended_use", sa.Text(), nullable=False),
        sa.Column("snds_linkage", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["requester_id"], ["account.id"], name=op.f("fk_access_request_requester_id_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_request")),
    )
    with op.batch_alter_table("access_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_request_requester_id"), ["requester_id"], unique=False)

    op.create_table(
        "access_request_part",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("variables", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["access_request.id"],
                                name=op.f("fk_access_request_part_request_id_access_request"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["study_id"], ["study.id"], name=op.f("fk_access_request_part_study_id_study"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_request_part")),
        sa.UniqueConstraint("request_id", "study_id", name=op.f("uq_access_request_part_request_id_study_id")),
    )
    with op.batch_alter_table("access_request_part", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_request_part_request_id"), ["request_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_access_request_part_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_access_request_part_study_id"), ["study_id"], unique=False)

    op.create_table(
        "access_request_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("part_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=32), nullable=True),
        sa.Column("to_status", sa.String(length=32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["part_id"], ["access_request_part.id"],
                                name=op.f("fk_access_request_event_part_id_access_request_part"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_request_event")),
    )
    with op.batch_alter_table("access_request_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_request_event_part_id"), ["part_id"], unique=False)

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("access_part_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_access_part_id"), ["access_part_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_sent_at"), ["sent_at"], unique=False)


def downgrade() -> None:
    for table in ("notification", "access_request_event", "access_request_part", "access_request",
                  "basket_entry", "basket", "comparable_link", "shared_concept"):
        op.drop_table(table)
