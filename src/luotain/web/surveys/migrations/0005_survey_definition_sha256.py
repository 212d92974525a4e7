from django.db import migrations, models


def fill_hashes(apps, schema_editor):
    from luotain.web.surveys.models import definition_hash

    Survey = apps.get_model("surveys", "Survey")
    for survey in Survey.objects.only("pk", "definition"):
        Survey.objects.filter(pk=survey.pk).update(definition_sha256=definition_hash(survey.definition))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0004_merge_0003_retention_0003_survey_family_wave")]

    operations = [
        migrations.AddField(
            model_name="survey",
            name="definition_sha256",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.RunPython(fill_hashes, migrations.RunPython.noop),
    ]
