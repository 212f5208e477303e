# The installer's rating aggregates kept by the ratings app (ratings.services).

from decimal import Decimal

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_item_search_document"),
    ]

    operations = [
        migrations.AlterField(
            model_name="provider",
            name="rating_value",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Published rating on a 0-5 scale: the imported baseline combined with "
                "the ratings received here. Writing it (catalog import, admin) sets the baseline.",
                max_digits=3,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0")),
                    django.core.validators.MaxValueValidator(Decimal("5")),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="provider",
            name="rating_count",
            field=models.PositiveIntegerField(
                default=0, help_text="How many ratings the published rating stands for."
            ),
        ),
        migrations.AddField(
            model_name="provider",
            name="rating_baseline_value",
            field=models.DecimalField(
                blank=True, decimal_places=2, editable=False, max_digits=3, null=True
            ),
        ),
        migrations.AddField(
            model_name="provider",
            name="rating_baseline_count",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="provider",
            name="rating_distribution",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="provider",
            name="rating_last_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
