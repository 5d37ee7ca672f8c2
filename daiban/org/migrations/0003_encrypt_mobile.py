import daiban.lib.personal
from django.db import migrations


def encrypt_rows(apps, schema_editor):
    from daiban.lib.personal import encrypt_existing_rows

    encrypt_existing_rows(apps.get_model("org", "User"), ["mobile"])


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0002_user_password_state'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='mobile_hash',
            field=daiban.lib.personal.LookupHashField(kind='phone', source='mobile'),
        ),
        migrations.AlterField(
            model_name='user',
            name='mobile',
            field=daiban.lib.personal.EncryptedCharField(blank=True, kind='phone', max_length=11, verbose_name='手机号码'),
        ),
        migrations.RunPython(encrypt_rows, migrations.RunPython.noop),
    ]
