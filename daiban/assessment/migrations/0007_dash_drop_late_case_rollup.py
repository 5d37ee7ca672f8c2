"""The late-case rollup, replaced by the overdue spans (0005), dropped last: a database migrated up to 0006 still
runs code that reads it."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0006_dash_department_rollups"),
    ]

    operations = [
        migrations.DeleteModel(
            name="LateCaseRollup",
        ),
    ]
