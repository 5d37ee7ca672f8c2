"""Each owner's evaluation keeps the unit and agent who served when it was given (closure.served), filled here
for the evaluations so far by the rule the figures used until now (the case's unit, its last-added agent), and
an index by submission time that carries what the 好差评 figures count (index-only scans of a period's rows). Not
atomic, so that VACUUM can mark the pages all-visible for them (PostgreSQL; nothing to do on SQLite)."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from daiban.closure.served import served_fill
from daiban.lib.migrating import analyzed


def fill(apps, schema_editor):  # noqa: ARG001  (RunPython's signature)
    served_fill(apps.get_model("closure", "OwnerEvaluation"), apps.get_model("cases", "Case"),
                apps.get_model("cases", "TeamMember"))


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ('cases', '0008_project_code_index'),
        ('closure', '0005_evaluation_form_versions'),
        ('org', '0004_ladder'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='ownerevaluation',
            name='agent',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='评价时的代办员'),
        ),
        migrations.AddField(
            model_name='ownerevaluation',
            name='unit',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.agencybody', verbose_name='评价时的代办机构'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='itemevaluation',
            index=models.Index(fields=['submitted_at'], include=('department', 'grade', 'id'), name='item_evaluation_given'),
        ),
        migrations.AddIndex(
            model_name='ownerevaluation',
            index=models.Index(fields=['submitted_at'], include=('unit', 'agent', 'grade', 'id'), name='owner_evaluation_given'),
        ),
        analyzed("closure_ownerevaluation", "closure_itemevaluation", vacuum=True),
    ]
