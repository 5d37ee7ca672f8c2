from django.db import migrations, models


def first_version(apps, schema_editor):
    apps.get_model("goodbad", "FiguresVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):

    dependencies = [
        ("goodbad", "0002_set_aside_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="FiguresVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.BigIntegerField(default=0, verbose_name="版本")),
            ],
            options={"verbose_name": "好差评统计版本", "verbose_name_plural": "好差评统计版本"},
        ),
        migrations.RunPython(first_version, migrations.RunPython.noop),
    ]
