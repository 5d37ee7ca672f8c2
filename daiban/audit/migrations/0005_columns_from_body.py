"""The columns of an audit event computed from its canonical body (stored generated columns): the chain and its
MACs are unchanged; afterwards no column can differ from what the MAC covers, and verification reads only the body.

On PostgreSQL one ALTER TABLE drops the thirteen columns and adds them back computed (one rewrite of the table,
whatever its size); on SQLite the table is rebuilt. The append-only trigger stays (SQLite's is put back)."""
import daiban.audit.models
from django.db import migrations, models

CHAIN = ("seq", "event_type", "actor_id", "actor_name", "object_type", "object_id", "object_repr", "old", "new",
         "created_at", "ip", "request_id", "outcome")


def compute_the_columns(apps, schema_editor):
    from daiban.audit.protection import install, remove

    model = apps.get_model("audit", "AuditEvent")
    editor, quote = schema_editor, schema_editor.quote_name
    if editor.connection.vendor != "postgresql":
        remove(editor)
        editor._remake_table(model)
        install(editor)
        return
    fields = [model._meta.get_field(name) for name in CHAIN]
    changes = [f"DROP COLUMN {quote(field.column)}" for field in fields]
    for field in fields:
        definition, params = editor.column_sql(model, field)
        assert not params
        changes.append(f"ADD COLUMN {quote(field.column)} {definition}")
    editor.execute(f"ALTER TABLE {quote(model._meta.db_table)} {', '.join(changes)}", params=None)
    for field in fields:
        for statement in editor._field_indexes_sql(model, field):
            editor.execute(statement)
    for index in model._meta.indexes:
        editor.add_index(model, index)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_event_body_and_verify_runs'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='auditevent',
                name='actor_id',
                field=models.GeneratedField(db_persist=True, expression=daiban.audit.models.FromBody('actor_id', 'int'), null=True, output_field=models.BigIntegerField(), verbose_name='操作人ID'),
            ),
            migrations.AlterField(
                model_name='auditevent',
                name='actor_name',
                field=models.GeneratedField(db_persist=True, expression=daiban.audit.models.FromBody('actor_name', 'text'), output_field=models.CharField(max_length=150), verbose_name='操作人'),
            ),
            migrations.AlterField(
                model_name='auditevent',
                name='body',
                field=models.TextField(verbose_name='规范内容'),
            ),
            migrations.AlterField(
                model_name='auditevent',
                name='created_at',
                field=models.GeneratedField(db_persist=True, expression=daiban.audit.models.FromBody('created_at', 'moment'), output_field=models.DateTimeField(), verbose_name='时间'),
            ),
            migrations.AlterField(
                model_name='auditevent',
                name='event_type',
                field=models.GeneratedField(db_index=True, db_persist=True, expression=daiban.audit.models.FromBody('event_type', 'text'), output_field=models.CharField(max_length=48), verbose_name='事件类型'),
            ),
            migrations.AlterField(
                model_name='auditevent',
                name='ip',
                field=models.GeneratedField(db_persist=True, expression=daiban.audit.models.FromBody('ip', 'ip'), null=True, output_field=models.GenericIPAddressField(), verbose_name='来源IP'),
            ),
            migrations.AlterField(
                model_name='auditevent',
                name='new',
                field=models.GeneratedField(db_persist=True, expression=daiban.audit.models.FromBody('new', 'json'), null=True, output_field=models.JSONField(), verbose_name='新值'),
            ),
            migrations.AlterField(
                model_name='auditevent',
                name='object_id',
                field=models.GeneratedField(db_persist=True, expression=daiban.audit.models.FromBody('object_id', 'text'), output_field=models.CharField(max_length=40), verbose_name='对象ID'),
            ),
            migrations.AlterField(
                model_name='auditevent',
                name='object_repr',
                field=models.GeneratedField(db_persist=True, expression=daiban.audit.models.FromBody('object_repr', 'text'), output_field=models.CharField(max_length=200), verbose_name='对象'),
            ),
            migrations.AlterField(
                model_name='auditevent',
                name='object_type',
                field=models.GeneratedField(db_persist=True, expression=daiban.audit.models.FromBody('object_type', 'text'), output_field=models.CharField(max_length=60), verbose_name='对象类型'),
            ),
            migrations.AlterField(
                model_name='auditevent',
                name='old',
                field=models.GeneratedField(db_persist=True, expression=daiban.audit.models.FromBody('old', 'json'), null=True, output_field=models.JSONField(), verbose_name='原值'),
            ),
            migrations.AlterField(
                model_name='auditevent',
                name='outcome',
                field=models.GeneratedField(choices=[('success', '成功'), ('denied', '拒绝'), ('failure', '失败')], db_persist=True, expression=daiban.audit.models.FromBody('outcome', 'text'), output_field=models.CharField(max_length=10), verbose_name='结果'),
            ),
            migrations.AlterField(
                model_name='auditevent',
                name='request_id',
                field=models.GeneratedField(db_persist=True, expression=daiban.audit.models.FromBody('request_id', 'text'), output_field=models.CharField(max_length=40), verbose_name='请求ID'),
            ),
            migrations.AlterField(
                model_name='auditevent',
                name='seq',
                field=models.GeneratedField(db_persist=True, expression=daiban.audit.models.FromBody('seq', 'int'), output_field=models.PositiveBigIntegerField(), unique=True, verbose_name='序号'),
            ),
        ]),
        migrations.RunPython(compute_the_columns, migrations.RunPython.noop),
    ]
