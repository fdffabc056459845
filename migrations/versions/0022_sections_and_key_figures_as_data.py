"""The questionnaire's sections and key figures as data, per cycle, frozen with it

Every cycle gets the sections its items name and the key figures that were code until now
(written out here as they stood: a migration must not follow later code), and the triggers of
0017 for both tables.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 07:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

FROZEN = "('approved', 'published')"
PATH = (("cycle_id", "cycle"),)
SECTIONS = {
    "it_costs": ("It-kostnader", "IT costs"),
    "maturity": ("Mognad", "Maturity"),
}
SPLIT = "(it_cost_run + it_cost_improve + it_cost_new)"
KEY_FIGURES = [
    ("it_cost_share", "It-kostnad som andel av verksamhetskostnaden",
     "IT cost as a share of operating cost", "%", "it_cost_total * 100 / operating_cost"),
    ("it_investment_share", "It-investeringar som andel av verksamhetskostnaden",
     "IT investments as a share of operating cost", "%", "it_investments * 100 / operating_cost"),
    ("hired_staff_share", "Inhyrd it-personal som andel av all it-personal",
     "Hired IT staff as a share of all IT staff", "%",
     "hired_it_staff * 100 / (internal_it_staff + hired_it_staff)"),
    ("it_cost_per_user", "It-kostnad per användare", "IT cost per user", "kr",
     "it_cost_total * 1000 / users"),
    ("outsourced_share", "Utkontrakterad it som andel av it-kostnaden",
     "Outsourced IT as a share of IT cost", "%", "it_cost_outsourced * 100 / it_cost_total"),
    ("cost_per_workstation", "It-kostnad per arbetsplats", "IT cost per workstation", "kr",
     "it_cost_total * 1000 / workstations"),
    ("telephony_per_user", "Telefonikostnad per användare", "Telephony cost per user", "kr",
     "it_cost_telephony * 1000 / users"),
    ("run_share", "Säkerställa, andel av it-kostnaden", "Keep running, share of IT cost", "%",
     f"it_cost_run * 100 / {SPLIT}"),
    ("improve_share", "Förbättra, andel av it-kostnaden", "Improve, share of IT cost", "%",
     f"it_cost_improve * 100 / {SPLIT}"),
    ("new_share", "Nyutveckla, andel av it-kostnaden", "New development, share of IT cost", "%",
     f"it_cost_new * 100 / {SPLIT}"),
]


def upgrade():
    sections = op.create_table(
        'questionnaire_section',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=30), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('label_sv', sa.String(length=100), nullable=False),
        sa.Column('label_en', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_questionnaire_section_cycle_id_cycle')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_section')),
        sa.UniqueConstraint('cycle_id', 'code', name=op.f('uq_questionnaire_section_cycle_id')),
    )
    figures = op.create_table(
        'questionnaire_key_figure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=60), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('label_sv', sa.String(length=300), nullable=False),
        sa.Column('label_en', sa.String(length=300), nullable=False),
        sa.Column('definition_sv', sa.Text(), nullable=False),
        sa.Column('definition_en', sa.Text(), nullable=False),
        sa.Column('unit', sa.String(length=20), nullable=False),
        sa.Column('formula', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_questionnaire_key_figure_cycle_id_cycle')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_key_figure')),
        sa.UniqueConstraint('cycle_id', 'code', name=op.f('uq_questionnaire_key_figure_cycle_id')),
    )
    for table in ('questionnaire_section', 'questionnaire_key_figure'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_cycle_id'), ['cycle_id'], unique=False)
    _fill(sections, figures)
    create = _postgresql if op.get_bind().dialect.name == "postgresql" else _sqlite
    for table in ('questionnaire_section', 'questionnaire_key_figure'):
        create(table)


def _fill(sections, figures):
    """Every cycle so far: the sections its items name, in their order, and the key figures
    the code computed (before the triggers exist, so frozen cycles get theirs too)."""
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        'SELECT cycle_id, section, MIN(position) FROM questionnaire_item '
        'GROUP BY cycle_id, section ORDER BY cycle_id, MIN(position)'
    )).all()
    section_rows, seen = [], {}
    for cycle_id, code, _first in rows:
        seen[cycle_id] = seen.get(cycle_id, 0) + 1
        sv, en = SECTIONS.get(code, (code, code))
        section_rows.append({'cycle_id': cycle_id, 'code': code, 'position': seen[cycle_id],
                             'label_sv': sv, 'label_en': en})
    if section_rows:
        op.bulk_insert(sections, section_rows)
    figure_rows = [
        {'cycle_id': cycle_id, 'code': code, 'position': position, 'label_sv': sv,
         'label_en': en, 'definition_sv': '', 'definition_en': '', 'unit': unit,
         'formula': formula}
        for cycle_id in seen
        for position, (code, sv, en, unit, formula) in enumerate(KEY_FIGURES, start=1)
    ]
    if figure_rows:
        op.bulk_insert(figures, figure_rows)


def _status(row: str) -> str:
    return f"(SELECT status FROM cycle WHERE id = {row}.cycle_id)"


def _sqlite(table: str) -> None:
    for operation, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
        condition = " OR ".join(f"{_status(row)} IN {FROZEN}" for row in rows)
        op.execute(
            f"CREATE TRIGGER frozen_{table}_{operation.lower()} BEFORE {operation} ON {table} "
            f"WHEN {condition} "
            f"BEGIN SELECT RAISE(ABORT, 'frozen cycle: {table} cannot change'); END"
        )


def _postgresql(table: str) -> None:
    checks = {
        row: f"IF {_status(row)} IN {FROZEN} THEN "
        f"RAISE EXCEPTION 'frozen cycle: {table} cannot change'; END IF;"
        for row in ("NEW", "OLD")
    }
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION granska_frozen_{table}() RETURNS trigger AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') THEN {checks['OLD']} END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN {checks['NEW']} END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        f"CREATE TRIGGER frozen_{table} BEFORE INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION granska_frozen_{table}()"
    )


def downgrade():
    for table in ('questionnaire_key_figure', 'questionnaire_section'):
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS frozen_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS granska_frozen_{table}()")
        op.drop_table(table)
