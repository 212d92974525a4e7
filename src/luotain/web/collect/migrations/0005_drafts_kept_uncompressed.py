"""PostgreSQL: a draft's row is kept whole, uncompressed, up to 8 KB.

A draft's answers grow page by page to 2.5-3 KB of JSON, past PostgreSQL's default threshold (about 2 KB)
for compressing a row; every page post then compressed the whole answers again, and every page request
decompressed them. Drafts are written on every page and read on every request, so they are kept as they are
(``toast_tuple_target``); they are small and short-lived. Other databases have nothing to set."""

from django.db import migrations

FORWARD = "ALTER TABLE collect_draft SET (toast_tuple_target = 8160)"
BACKWARD = "ALTER TABLE collect_draft RESET (toast_tuple_target)"


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("collect", "0004_draft_district_response_district")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
