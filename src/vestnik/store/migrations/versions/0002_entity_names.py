"""Entity names: every base form an entity has had, with its mention count, so that the store names an
entity by the same rule as an article does (`vestnik.entities.names.display_name`) instead of by its
longest form. Filled from the stored mentions (Latin spellings transliterated, as the entity stage does);
every entity is then renamed by the rule.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from vestnik.entities.translit import to_latin
from vestnik.store.database import rename_entities

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('entity_names',
    sa.Column('entity_id', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('latin', sa.Text(), nullable=False),
    sa.Column('mentions', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], ),
    sa.PrimaryKeyConstraint('entity_id', 'name')
    )
    connection = op.get_bind()
    counts = connection.execute(sa.text(
        "SELECT entity_id, lemma, count(*) FROM mentions GROUP BY entity_id, lemma")).all()
    if counts:
        connection.execute(sa.text("INSERT INTO entity_names (entity_id, name, latin, mentions) VALUES (:e, :n, :l, :m)"),
                           [{"e": e, "n": n, "l": to_latin(n), "m": m} for e, n, m in counts])
        rename_entities(connection, {entity_id for entity_id, _, _ in counts})


def downgrade() -> None:
    op.drop_table('entity_names')
