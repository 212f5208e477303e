from django.db import migrations

from catalog.taxonomy import CATEGORIES, DOCUMENT_TYPES


def create_taxonomy(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    DocumentType = apps.get_model("catalog", "DocumentType")
    for category_id, code, name, installation_type in CATEGORIES:
        Category.objects.update_or_create(
            id=category_id,
            defaults={"code": code, "name": name, "installation_type": str(installation_type)},
        )
    for position, (code, name) in enumerate(DOCUMENT_TYPES):
        DocumentType.objects.update_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(create_taxonomy, migrations.RunPython.noop)]
