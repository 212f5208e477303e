"""PostgreSQL: keep Item.search_vector current with triggers, and GIN-index it.

An item's search document is its text plus its category's and its provider's (the fields of
catalog.selectors.TEXT_FIELDS), parsed with the 'simple' configuration (lower-cased, no stemming,
no stop words: the selector removes its own). CamelCase and digit-letter boundaries are split too,
so that "power" finds "SunPower" and "kw" finds "2kW" (but "kW" stays one word), as the
substring search on SQLite does.

Triggers rather than Python: the document spans three tables and every write path must refresh
it (catalog_import, the admin and its inlines, bulk_create in generate_catalog, QuerySet.update,
the shell). The triggers name no column in their definitions (no UPDATE OF list, no WHEN), so that
later migrations can still alter those columns' types.

On SQLite this migration does nothing: the selector searches with icontains there.
"""

from django.db import migrations

FORWARD = [
    r"""
    CREATE OR REPLACE FUNCTION catalog_search_document(body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT to_tsvector('simple'::regconfig, body)
            || to_tsvector(
                'simple'::regconfig,
                regexp_replace(
                    regexp_replace(body, '([[:lower:]])([[:upper:]][[:lower:]])', '\1 \2', 'g'),
                    '([[:digit:]])([[:alpha:]])', '\1 \2', 'g'
                )
            )
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION catalog_item_search_vector() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := catalog_search_document(concat_ws(' ',
            NEW.name, NEW.code, NEW.short_desc, NEW.property_type, NEW.system_capacity,
            (SELECT concat_ws(' ', c.name, c.code)
               FROM catalog_category c WHERE c.id = NEW.category_id),
            (SELECT concat_ws(' ', p.name, p.code, p.short_desc)
               FROM catalog_provider p WHERE p.id = NEW.provider_id)
        ));
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER catalog_item_search_vector
    BEFORE INSERT OR UPDATE ON catalog_item
    FOR EACH ROW EXECUTE FUNCTION catalog_item_search_vector()
    """,
    # Any update of an item's row rewrites its document (trigger above): touch the items whose
    # provider's or category's text changed.
    """
    CREATE OR REPLACE FUNCTION catalog_provider_search_vector() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.name IS DISTINCT FROM OLD.name
           OR NEW.code IS DISTINCT FROM OLD.code
           OR NEW.short_desc IS DISTINCT FROM OLD.short_desc THEN
            UPDATE catalog_item SET search_vector = NULL WHERE provider_id = NEW.id;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER catalog_provider_search_vector
    AFTER UPDATE ON catalog_provider
    FOR EACH ROW EXECUTE FUNCTION catalog_provider_search_vector()
    """,
    """
    CREATE OR REPLACE FUNCTION catalog_category_search_vector() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.name IS DISTINCT FROM OLD.name OR NEW.code IS DISTINCT FROM OLD.code THEN
            UPDATE catalog_item SET search_vector = NULL WHERE category_id = NEW.id;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER catalog_category_search_vector
    AFTER UPDATE ON catalog_category
    FOR EACH ROW EXECUTE FUNCTION catalog_category_search_vector()
    """,
    "CREATE INDEX catalog_item_search_vector_gin ON catalog_item USING gin (search_vector)",
    # Existing rows: the trigger writes their documents.
    "UPDATE catalog_item SET search_vector = NULL",
]

BACKWARD = [
    "DROP INDEX IF EXISTS catalog_item_search_vector_gin",
    "DROP TRIGGER IF EXISTS catalog_category_search_vector ON catalog_category",
    "DROP TRIGGER IF EXISTS catalog_provider_search_vector ON catalog_provider",
    "DROP TRIGGER IF EXISTS catalog_item_search_vector ON catalog_item",
    "DROP FUNCTION IF EXISTS catalog_category_search_vector()",
    "DROP FUNCTION IF EXISTS catalog_provider_search_vector()",
    "DROP FUNCTION IF EXISTS catalog_item_search_vector()",
    "DROP FUNCTION IF EXISTS catalog_search_document(text)",
]


def _run_on_postgresql(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_item_search_vector")]

    operations = [
        migrations.RunPython(_run_on_postgresql(FORWARD), _run_on_postgresql(BACKWARD)),
    ]
