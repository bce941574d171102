# A card's provenance: one row per card, {field: {source, as_of, written, replaced}}, instead
# of one row per field.

import django.db.models.deletion
from django.db import migrations, models


def to_cards(apps, schema_editor):
    """Each card's rows become the entries of its one row; a card with representatives or
    financial years from the add-on has a row, if an empty one (a sync reads them only
    for a card with a row)."""
    Provenance = apps.get_model("enrichment", "Provenance")
    CardProvenance = apps.get_model("enrichment", "CardProvenance")
    folded: dict[int, dict] = {}
    for model in ("Representative", "FinancialYear"):
        companies = apps.get_model("enrichment", model).objects.values_list("company_id")
        for (card,) in companies.distinct().iterator():
            folded[card] = {}
    for row in Provenance.objects.order_by("company_id", "field").iterator():
        folded.setdefault(row.company_id, {})[row.field] = {
            "source": row.source,
            "as_of": row.as_of,
            "written": row.written,
            "replaced": row.replaced,
        }
    CardProvenance.objects.bulk_create(
        (CardProvenance(company_id=card, fields=fields) for card, fields in folded.items()),
        batch_size=500,
    )


def to_fields(apps, schema_editor):
    """Back: one row per field."""
    Provenance = apps.get_model("enrichment", "Provenance")
    CardProvenance = apps.get_model("enrichment", "CardProvenance")
    Provenance.objects.bulk_create(
        (
            Provenance(company_id=card.company_id, field=field, **held)
            for card in CardProvenance.objects.iterator()
            for field, held in card.fields.items()
        ),
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0002_address_company_index"),
        ("enrichment", "0004_history_changes"),
    ]

    operations = [
        migrations.CreateModel(
            name="CardProvenance",
            fields=[
                (
                    "company",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="crm.company",
                    ),
                ),
                ("fields", models.JSONField(default=dict)),
            ],
        ),
        migrations.RunPython(to_cards, to_fields),
        migrations.DeleteModel(name="Provenance"),
        migrations.RenameModel(old_name="CardProvenance", new_name="Provenance"),
        migrations.AlterField(
            model_name="provenance",
            name="company",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="provenance",
                serialize=False,
                to="crm.company",
            ),
        ),
    ]
