import daiban.lib.personal
from django.db import migrations


def encrypt_rows(apps, schema_editor):
    from daiban.lib.personal import encrypt_existing_rows

    encrypt_existing_rows(apps.get_model("cases", "CaseDocument"), ["content", "signed_by_owner"], batch=50)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_case_cases_case_accepte_ddf88f_idx_and_more'),
    ]

    operations = [
        migrations.AlterField(
            model_name='casedocument',
            name='content',
            field=daiban.lib.personal.EncryptedBinaryField(verbose_name='文件'),
        ),
        migrations.AlterField(
            model_name='casedocument',
            name='signed_by_owner',
            field=daiban.lib.personal.EncryptedCharField(blank=True, kind='name', max_length=30, verbose_name='业主签字人'),
        ),
        migrations.RunPython(encrypt_rows, migrations.RunPython.noop),
    ]
