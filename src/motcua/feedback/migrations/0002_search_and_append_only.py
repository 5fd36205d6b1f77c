"""PostgreSQL search column and append-only triggers.

- ``search_vector``: a generated ``tsvector`` of the folded public text (``search_text``) with a GIN index over the
  published items, for the public answers page and Open311 (issue 5 Speed). Django never writes it; SQLite matches
  words in ``search_text`` instead (``queries._match_terms``).
- Feedback events and personal-data access records are append-only in the database too (PostgreSQL: UPDATE and
  DELETE raise; SQLite: UPDATE raises, DELETE stays possible for Django's test flush; the ORM refuses both anyway).
"""

from django.db import migrations

PG_FORWARD = [
    "ALTER TABLE feedback_feedback ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    "CREATE INDEX feedback_search_vector ON feedback_feedback USING gin (search_vector) "
    "WHERE published_at IS NOT NULL",
    """
CREATE OR REPLACE FUNCTION feedback_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'feedback history is append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql
""",
    "CREATE TRIGGER feedback_event_append_only BEFORE UPDATE OR DELETE ON feedback_feedbackevent "
    "FOR EACH ROW EXECUTE FUNCTION feedback_append_only()",
    "CREATE TRIGGER feedback_access_append_only BEFORE UPDATE OR DELETE ON feedback_personaldataaccess "
    "FOR EACH ROW EXECUTE FUNCTION feedback_append_only()",
]
PG_REVERSE = [
    "DROP TRIGGER IF EXISTS feedback_access_append_only ON feedback_personaldataaccess",
    "DROP TRIGGER IF EXISTS feedback_event_append_only ON feedback_feedbackevent",
    "DROP FUNCTION IF EXISTS feedback_append_only()",
    "DROP INDEX IF EXISTS feedback_search_vector",
    "ALTER TABLE feedback_feedback DROP COLUMN IF EXISTS search_vector",
]
SQLITE_FORWARD = [
    "CREATE TRIGGER feedback_event_no_update BEFORE UPDATE ON feedback_feedbackevent "
    "BEGIN SELECT RAISE(ABORT, 'feedback events are append-only: UPDATE refused'); END;",
    "CREATE TRIGGER feedback_access_no_update BEFORE UPDATE ON feedback_personaldataaccess "
    "BEGIN SELECT RAISE(ABORT, 'personal data access records are append-only: UPDATE refused'); END;",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS feedback_event_no_update", "DROP TRIGGER IF EXISTS feedback_access_no_update"]


def _run(schema_editor, by_vendor):
    for statement in by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD})


def reverse(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_REVERSE, "sqlite": SQLITE_REVERSE})


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse, elidable=False)]
