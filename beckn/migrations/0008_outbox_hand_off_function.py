"""On PostgreSQL, the hand-off of a BAP's free delivery slots to its callbacks awaiting one as one
function call (see beckn.delivery.engine._hand_off_slots): under the BAP's advisory lock, held
for that statement alone, the free slots are counted and the oldest callbacks awaiting one are
leased; their ids and due times are returned."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION beckn_outbox_hand_off(
    p_bap varchar, p_now timestamptz, p_lease timestamptz, p_limit integer
) RETURNS TABLE (id bigint, due timestamptz) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    free integer;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext(p_bap));
    SELECT p_limit - count(*) INTO free FROM beckn_outboundmessage o
    WHERE o.bap_id = p_bap AND o.status = 'PENDING' AND o.locked_until > p_now;
    IF free <= 0 THEN
        RETURN;
    END IF;
    RETURN QUERY
    UPDATE beckn_outboundmessage o SET awaiting_slot = false, locked_until = p_lease
    WHERE o.id IN (
        SELECT w.id FROM beckn_outboundmessage w
        WHERE w.bap_id = p_bap AND w.awaiting_slot AND w.status = 'PENDING'
          AND w.next_attempt_at <= p_now AND (w.locked_until IS NULL OR w.locked_until < p_now)
        ORDER BY w.next_attempt_at, w.id LIMIT free
    )
    RETURNING o.id, o.next_attempt_at;
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS beckn_outbox_hand_off(varchar, timestamptz, timestamptz, integer);"


def create(apps: object, schema_editor: object) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps: object, schema_editor: object) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("beckn", "0007_outbox_claim_function")]

    operations = [migrations.RunPython(create, drop)]
