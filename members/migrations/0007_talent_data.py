"""The default list of interests and skills (the report, section 5.3).

Officers edit the list in the admin afterwards; this only adds missing entries, so
running it on a database where an officer renamed or retired one changes nothing.
"""

from django.db import migrations

ROLE, SKILL, LANGUAGE, INTEREST = "role", "skill", "language", "interest"

DEFAULT_INTERESTS = [
    ("School governor", ROLE, "Governor of a school, academy or college"),
    ("Magistrate", ROLE, "Sits as a magistrate"),
    ("Health trust", ROLE, "Governor or board member of an NHS trust"),
    ("Tenants' and residents' association", ROLE, "Member or officer"),
    ("Union rep", ROLE, "Workplace representative or branch officer"),
    ("Charity trustee", ROLE, "Trustee of a charity or community group"),
    ("Parish or town councillor", ROLE, ""),
    ("Welsh", LANGUAGE, ""),
    ("Urdu", LANGUAGE, ""),
    ("Punjabi", LANGUAGE, ""),
    ("Polish", LANGUAGE, ""),
    ("Bengali", LANGUAGE, ""),
    ("Arabic", LANGUAGE, ""),
    ("British Sign Language (BSL)", LANGUAGE, ""),
    ("Writing", SKILL, "Leaflets, newsletters, press releases"),
    ("Design", SKILL, "Leaflets, posters, graphics"),
    ("IT", SKILL, "Computers, spreadsheets, websites"),
    ("Social media", SKILL, ""),
    ("Photography", SKILL, ""),
    ("Public speaking", SKILL, ""),
    ("Fundraising", SKILL, ""),
    ("Legal", SKILL, "Legal training or practice"),
    ("Accountancy", SKILL, "Bookkeeping, accounts, audit"),
    ("Driving", SKILL, "Can give lifts on polling day"),
    ("Health and care", INTEREST, ""),
    ("Housing", INTEREST, ""),
    ("Education", INTEREST, ""),
    ("Environment", INTEREST, ""),
]


def add_defaults(apps, schema_editor):
    Interest = apps.get_model("members", "Interest")
    for name, kind, description in DEFAULT_INTERESTS:
        Interest.objects.get_or_create(
            name=name, defaults={"kind": kind, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0006_talent")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
