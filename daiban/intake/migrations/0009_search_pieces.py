from django.db import migrations, transaction

# The pieces of the folded search text that the GIN index holds (daiban/lib/search_text.py `pieces_query` asks for
# them): every two characters of each space-separated chunk, and every three ASCII characters (numbers and codes,
# whose two-character pieces are too common to narrow anything). Plain SQL: no extension needed.
PIECES = """
CREATE OR REPLACE FUNCTION daiban_search_pieces(t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_to_tsvector(array_agg(DISTINCT piece)), ''::tsvector)
  FROM regexp_split_to_table(t, ' ') AS chunk, generate_series(1, length(chunk) - 1) AS i,
       LATERAL (VALUES (substr(chunk, i, 2)), (substr(chunk, i, 3))) AS p(piece)
  WHERE length(piece) = 2 OR piece ~ '^[[:ascii:]]{3}$'
$$
"""


def pieces_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(PIECES)
    # A stored column, not only an expression index: where the planner reads rows in date order and tests each
    # (a common word), it compares the stored pieces rather than cutting the text again for every row.
    schema_editor.execute("ALTER TABLE intake_request ADD COLUMN IF NOT EXISTS search_pieces tsvector "
                          "GENERATED ALWAYS AS (daiban_search_pieces(search_text)) STORED")
    schema_editor.execute("CREATE INDEX IF NOT EXISTS intake_request_search_pieces "
                          "ON intake_request USING gin (search_pieces)")
    # The trigram index cannot serve a word of two characters (most Chinese words); the pieces do.
    schema_editor.execute("DROP INDEX IF EXISTS intake_request_search_trgm")
    schema_editor.execute("ANALYZE intake_request")


def drop_pieces_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS intake_request_search_pieces")
    schema_editor.execute("ALTER TABLE intake_request DROP COLUMN IF EXISTS search_pieces")
    schema_editor.execute("DROP FUNCTION IF EXISTS daiban_search_pieces(text)")
    try:  # back to 0004's trigram index where pg_trgm is there
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE INDEX IF NOT EXISTS intake_request_search_trgm "
                                  "ON intake_request USING gin (search_text gin_trgm_ops)")
    except Exception:  # noqa: BLE001 - the extension is optional, as in 0004
        pass


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0008_request_contact_email'),
    ]

    operations = [
        migrations.RunPython(pieces_index, drop_pieces_index),
    ]
