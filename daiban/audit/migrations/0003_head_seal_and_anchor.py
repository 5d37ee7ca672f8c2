from django.conf import settings
from django.db import migrations, models


def seal_the_head(apps, schema_editor):
    from daiban.audit.chain import seal

    head = apps.get_model("audit", "AuditHead").objects.filter(id=1).first()
    if head is not None:
        head.seal = seal(settings.AUDIT_KEY, "head", head.seq, head.mac)
        head.save(update_fields=["seal"])


def reinstall_protection(apps, schema_editor):
    # The trigger now lets a purge delete events older than the retention floor.
    from daiban.audit.protection import install

    install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.AddField(model_name="audithead", name="seal", field=models.CharField(default="", max_length=64)),
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.PositiveBigIntegerField(unique=True, verbose_name="锚点序号")),
                ("mac", models.CharField(max_length=64, verbose_name="锚点校验码")),
                ("seal", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(verbose_name="清理时间")),
                ("purged", models.PositiveBigIntegerField(verbose_name="本次清理条数")),
            ],
            options={"verbose_name": "审计链锚点", "verbose_name_plural": "审计链锚点", "ordering": ["-seq"]},
        ),
        migrations.RunPython(seal_the_head, migrations.RunPython.noop),
        migrations.RunPython(reinstall_protection, migrations.RunPython.noop),
    ]
