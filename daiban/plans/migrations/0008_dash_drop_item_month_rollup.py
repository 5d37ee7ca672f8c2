"""ItemMonthRollup, replaced by the unit and catalog item month rollups (0006, 0007), dropped last: a database
migrated up to 0007 still runs code that keeps it."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0007_dash_item_unit_months"),
    ]

    operations = [
        migrations.DeleteModel(
            name="ItemMonthRollup",
        ),
    ]
