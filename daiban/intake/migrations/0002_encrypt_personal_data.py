import daiban.lib.personal
from django.db import migrations


def encrypt_rows(apps, schema_editor):
    from daiban.lib.personal import encrypt_existing_rows

    for model, fields in (("Company", ["legal_rep", "address"]), ("DirectoryEntry", ["contact_name", "contact_phone"]),
                          ("Request", ["legal_rep", "contact_name", "contact_phone"]),
                          ("Consultation", ["asker_name", "asker_phone"])):
        encrypt_existing_rows(apps.get_model("intake", model), fields)


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='consultation',
            name='asker_phone_hash',
            field=daiban.lib.personal.LookupHashField(kind='phone', source='asker_phone'),
        ),
        migrations.AddField(
            model_name='directoryentry',
            name='contact_phone_hash',
            field=daiban.lib.personal.LookupHashField(kind='phone', source='contact_phone'),
        ),
        migrations.AddField(
            model_name='request',
            name='contact_phone_hash',
            field=daiban.lib.personal.LookupHashField(kind='phone', source='contact_phone'),
        ),
        migrations.AlterField(
            model_name='company',
            name='address',
            field=daiban.lib.personal.EncryptedCharField(blank=True, kind='address', max_length=120, verbose_name='地址'),
        ),
        migrations.AlterField(
            model_name='company',
            name='legal_rep',
            field=daiban.lib.personal.EncryptedCharField(blank=True, kind='name', max_length=30, verbose_name='法定代表人'),
        ),
        migrations.AlterField(
            model_name='consultation',
            name='asker_name',
            field=daiban.lib.personal.EncryptedCharField(kind='name', max_length=30, verbose_name='咨询人'),
        ),
        migrations.AlterField(
            model_name='consultation',
            name='asker_phone',
            field=daiban.lib.personal.EncryptedCharField(blank=True, kind='phone', max_length=11, verbose_name='联系电话'),
        ),
        migrations.AlterField(
            model_name='directoryentry',
            name='contact_name',
            field=daiban.lib.personal.EncryptedCharField(blank=True, kind='name', max_length=30, verbose_name='联系人'),
        ),
        migrations.AlterField(
            model_name='directoryentry',
            name='contact_phone',
            field=daiban.lib.personal.EncryptedCharField(blank=True, kind='phone', max_length=11, verbose_name='联系电话'),
        ),
        migrations.AlterField(
            model_name='request',
            name='contact_name',
            field=daiban.lib.personal.EncryptedCharField(kind='name', max_length=30, verbose_name='联系人'),
        ),
        migrations.AlterField(
            model_name='request',
            name='contact_phone',
            field=daiban.lib.personal.EncryptedCharField(kind='phone', max_length=11, verbose_name='联系电话'),
        ),
        migrations.AlterField(
            model_name='request',
            name='legal_rep',
            field=daiban.lib.personal.EncryptedCharField(blank=True, kind='name', max_length=30, verbose_name='法定代表人'),
        ),
        migrations.RunPython(encrypt_rows, migrations.RunPython.noop),
    ]
