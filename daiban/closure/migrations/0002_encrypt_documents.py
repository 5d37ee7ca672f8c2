import daiban.lib.personal
from django.db import migrations


def encrypt_rows(apps, schema_editor):
    from daiban.lib.personal import encrypt_existing_rows

    encrypt_existing_rows(apps.get_model("closure", "Closure"), ["handover_signatory"])
    encrypt_existing_rows(apps.get_model("closure", "EvaluationDocument"), ["content"], batch=50)


class Migration(migrations.Migration):

    dependencies = [
        ('closure', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='closure',
            name='handover_signatory',
            field=daiban.lib.personal.EncryptedCharField(blank=True, kind='name', max_length=30, verbose_name='业主签收人'),
        ),
        migrations.AlterField(
            model_name='evaluationdocument',
            name='content',
            field=daiban.lib.personal.EncryptedBinaryField(verbose_name='文件'),
        ),
        migrations.RunPython(encrypt_rows, migrations.RunPython.noop),
    ]
