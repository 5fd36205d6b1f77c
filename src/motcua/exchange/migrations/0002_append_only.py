"""The access log is append-only and access grants are add-or-revoke-only in the database too (issue 4 points 4, 5).

PostgreSQL: triggers refuse UPDATE and DELETE of log entries, DELETE of grants and of chain heads, and any UPDATE of
a grant other than setting ``revoked_at`` (with ``revoked_by`` / ``revoke_reason``) once. SQLite: the same UPDATE
rules; DELETE stays possible there because Django's test flush deletes rows (the ORM refuses deletes anyway), as for
dossier events. Also creates the head row of each chain of the access log.
"""

from django.db import migrations

SHARDS = 64

PG_FORWARD = ["""
CREATE OR REPLACE FUNCTION exchange_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql
""", """
CREATE TRIGGER exchange_log_append_only BEFORE UPDATE OR DELETE ON exchange_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION exchange_log_append_only()
""", """
CREATE TRIGGER exchange_head_no_delete BEFORE DELETE ON exchange_accessloghead
    FOR EACH ROW EXECUTE FUNCTION exchange_log_append_only()
""", """
CREATE OR REPLACE FUNCTION exchange_grant_revoke_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'access grants are never deleted: revoke them' USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL
       OR (NEW.id, NEW.agency_id, NEW.registry, NEW.procedure_codes::text, NEW.legal_basis, NEW.granted_by_id,
           NEW.granted_at)
          IS DISTINCT FROM
          (OLD.id, OLD.agency_id, OLD.registry, OLD.procedure_codes::text, OLD.legal_basis, OLD.granted_by_id,
           OLD.granted_at) THEN
        RAISE EXCEPTION 'access grants are never edited: only revoked, once' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
""", """
CREATE TRIGGER exchange_grant_revoke_only BEFORE UPDATE OR DELETE ON exchange_accessgrant
    FOR EACH ROW EXECUTE FUNCTION exchange_grant_revoke_only()
"""]
PG_REVERSE = [
    "DROP TRIGGER IF EXISTS exchange_log_append_only ON exchange_accesslogentry",
    "DROP TRIGGER IF EXISTS exchange_head_no_delete ON exchange_accessloghead",
    "DROP TRIGGER IF EXISTS exchange_grant_revoke_only ON exchange_accessgrant",
    "DROP FUNCTION IF EXISTS exchange_log_append_only()",
    "DROP FUNCTION IF EXISTS exchange_grant_revoke_only()",
]
SQLITE_FORWARD = ["""
CREATE TRIGGER exchange_log_no_update BEFORE UPDATE ON exchange_accesslogentry
BEGIN SELECT RAISE(ABORT, 'the access log is append-only: UPDATE refused'); END;
""", """
CREATE TRIGGER exchange_grant_revoke_only BEFORE UPDATE ON exchange_accessgrant
WHEN OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL OR NEW.id IS NOT OLD.id
     OR NEW.agency_id IS NOT OLD.agency_id OR NEW.registry IS NOT OLD.registry
     OR NEW.procedure_codes IS NOT OLD.procedure_codes OR NEW.legal_basis IS NOT OLD.legal_basis
     OR NEW.granted_by_id IS NOT OLD.granted_by_id OR NEW.granted_at IS NOT OLD.granted_at
BEGIN SELECT RAISE(ABORT, 'access grants are never edited: only revoked, once'); END;
"""]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS exchange_log_no_update",
                  "DROP TRIGGER IF EXISTS exchange_grant_revoke_only"]


def forward(apps, schema_editor):
    statements = {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)
    Head = apps.get_model("exchange", "AccessLogHead")
    Head.objects.using(schema_editor.connection.alias).bulk_create(
        [Head(shard=s, seq=0, hash="") for s in range(SHARDS)], ignore_conflicts=True)


def reverse(apps, schema_editor):
    statements = {"postgresql": PG_REVERSE, "sqlite": SQLITE_REVERSE}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse, elidable=False)]
