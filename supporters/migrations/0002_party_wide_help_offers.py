"""The light help the report's supporters' clubs ask for (section 3.2)."""

from django.db import migrations

OFFERS = [
    ("poster", "Display a poster in my window at election time"),
    ("leaflets", "Deliver leaflets in my street"),
    ("envelopes", "Stuff envelopes"),
    ("gate-duty", "Gate duty at a polling station on polling day"),
    ("phone-calls", "Make phone calls"),
    ("street-stall", "Help at a street stall"),
]


def add_offers(apps, schema_editor):
    help_offer = apps.get_model("supporters", "HelpOffer")
    for order, (slug, label) in enumerate(OFFERS):
        help_offer.objects.get_or_create(
            constituency=None, slug=slug, defaults={"label": label, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("supporters", "0001_initial")]

    operations = [migrations.RunPython(add_offers, migrations.RunPython.noop)]
