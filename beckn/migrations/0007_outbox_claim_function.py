"""On PostgreSQL, the claim of a callback's delivery slot as one function call (see
beckn.delivery.engine._claim): the BAP's advisory lock, the lease if the BAP has fewer
deliveries under way than its limit, else the mark that it awaits a slot, and the lock is
released when the statement's transaction ends. Each statement in a VOLATILE plpgsql function
reads a fresh snapshot, so the count made after the lock sees every lease committed before it."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION beckn_outbox_claim(
    p_id bigint, p_bap varchar, p_now timestamptz, p_lease timestamptz, p_limit integer
) RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    changed integer;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext(p_bap));
    UPDATE beckn_outboundmessage SET locked_until = p_lease, awaiting_slot = false
    WHERE id = p_id AND status = 'PENDING' AND next_attempt_at <= p_now
      AND (locked_until IS NULL OR locked_until < p_now)
      AND (SELECT count(*) FROM beckn_outboundmessage
           WHERE bap_id = p_bap AND status = 'PENDING' AND locked_until > p_now
             AND id <> p_id) < p_limit;
    GET DIAGNOSTICS changed = ROW_COUNT;
    IF changed > 0 THEN
        RETURN 1;  -- leased
    END IF;
    UPDATE beckn_outboundmessage SET awaiting_slot = true
    WHERE id = p_id AND status = 'PENDING' AND next_attempt_at <= p_now
      AND (locked_until IS NULL OR locked_until < p_now);
    GET DIAGNOSTICS changed = ROW_COUNT;
    IF changed > 0 THEN
        RETURN 2;  -- awaits a slot
    END IF;
    RETURN 0;  -- not due, or another worker holds it
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS beckn_outbox_claim(bigint, varchar, timestamptz, timestamptz, integer);"


def create(apps: object, schema_editor: object) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps: object, schema_editor: object) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("beckn", "0006_catalog_fragments")]

    operations = [migrations.RunPython(create, drop)]
