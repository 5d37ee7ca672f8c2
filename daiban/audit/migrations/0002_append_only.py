from django.db import migrations


def install(apps, schema_editor):
    from daiban.audit.protection import install as install_protection

    install_protection(schema_editor)


def remove(apps, schema_editor):
    from daiban.audit.protection import remove as remove_protection

    remove_protection(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
