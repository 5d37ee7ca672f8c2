"""The five 好差评 grades. Existing evaluations (owners' and the agents' department ratings) are graded by
the mean of their four 1–5 scores — 服务态度, 办事效率, 服务质量 and 总体评价 — rounded half up:
5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意 (daiban/closure/grades.py grade_from_scores).
The scores stay, as optional detail."""
import math

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


BY_SCORE = {5: "very_satisfied", 4: "satisfied", 3: "basically_satisfied", 2: "dissatisfied",
            1: "very_dissatisfied"}


def grade_existing(apps, schema_editor):
    for name in ("OwnerEvaluation", "DepartmentRating"):
        model = apps.get_model("closure", name)
        for row in model.objects.all():
            scores = [s for s in (row.attitude, row.efficiency, row.quality, row.overall) if s is not None]
            row.grade = BY_SCORE[math.floor(sum(scores) / len(scores) + 0.5)]
            row.save(update_fields=["grade"])


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0005_encrypt_documents'),
        ('closure', '0002_encrypt_documents'),
        ('org', '0003_encrypt_mobile'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='departmentrating',
            name='grade',
            field=models.CharField(choices=[('very_satisfied', '非常满意'), ('satisfied', '满意'), ('basically_satisfied', '基本满意'), ('dissatisfied', '不满意'), ('very_dissatisfied', '非常不满意')], default='', max_length=20, verbose_name='评价等级'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='ownerevaluation',
            name='grade',
            field=models.CharField(choices=[('very_satisfied', '非常满意'), ('satisfied', '满意'), ('basically_satisfied', '基本满意'), ('dissatisfied', '不满意'), ('very_dissatisfied', '非常不满意')], default='', max_length=20, verbose_name='评价等级'),
            preserve_default=False,
        ),
        migrations.RunPython(grade_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='departmentrating',
            name='attitude',
            field=models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='服务态度'),
        ),
        migrations.AlterField(
            model_name='departmentrating',
            name='efficiency',
            field=models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='办事效率'),
        ),
        migrations.AlterField(
            model_name='departmentrating',
            name='overall',
            field=models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='总体评价'),
        ),
        migrations.AlterField(
            model_name='departmentrating',
            name='quality',
            field=models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='服务质量'),
        ),
        migrations.AlterField(
            model_name='ownerevaluation',
            name='attitude',
            field=models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='服务态度'),
        ),
        migrations.AlterField(
            model_name='ownerevaluation',
            name='efficiency',
            field=models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='办事效率'),
        ),
        migrations.AlterField(
            model_name='ownerevaluation',
            name='overall',
            field=models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='总体评价'),
        ),
        migrations.AlterField(
            model_name='ownerevaluation',
            name='quality',
            field=models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='服务质量'),
        ),
        migrations.AlterField(
            model_name='ownerevaluation',
            name='via',
            field=models.CharField(choices=[('link', '评价链接'), ('account', '业主账号'), ('window', '窗口评价')], max_length=8, verbose_name='提交方式'),
        ),
        migrations.CreateModel(
            name='ItemEvaluation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('grade', models.CharField(choices=[('very_satisfied', '非常满意'), ('satisfied', '满意'), ('basically_satisfied', '基本满意'), ('dissatisfied', '不满意'), ('very_dissatisfied', '非常不满意')], max_length=20, verbose_name='评价等级')),
                ('comments', models.TextField(blank=True, verbose_name='意见和建议')),
                ('via', models.CharField(choices=[('link', '评价链接'), ('account', '业主账号'), ('window', '窗口评价')], max_length=8, verbose_name='提交方式')),
                ('submitted_at', models.DateTimeField(verbose_name='提交时间')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='item_evaluations', to='cases.case')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.department', verbose_name='审批部门')),
                ('item', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='evaluation', to='cases.caseitem', verbose_name='事项')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='提交账号/窗口登记人')),
            ],
            options={
                'verbose_name': '事项评价（一事一评）',
                'verbose_name_plural': '事项评价（一事一评）',
                'ordering': ['id'],
            },
        ),
    ]
