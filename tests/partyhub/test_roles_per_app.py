"""Each app grants office roles the permissions of its own models, in its own
roles.py (registered from its AppConfig.ready()); members/roles.py holds the
roles and the members app's grants only."""

import re
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Permission

from members.roles import ROLE_PERMISSIONS, Role

# "app_label.codename" or the start of one in an f-string: "campaigns.view_{m}".
_PERMISSION = re.compile(r"""f?["']([a-z_]+)\.([a-z_{]+)""")


def _roles_modules():
    """(app config, path) of every roles.py, each under its innermost app."""
    configs = sorted(apps.get_app_configs(), key=lambda c: len(c.path), reverse=True)
    found = {}
    for config in configs:
        for path in Path(config.path).rglob("roles.py"):
            found.setdefault(path, config)
    for path, config in found.items():
        yield config, path


def test_every_roles_module_grants_only_its_own_apps_permissions():
    labels = {config.label for config in apps.get_app_configs()}
    foreign = []
    seen = set()
    for config, path in _roles_modules():
        seen.add(config.label)
        for label, codename in _PERMISSION.findall(path.read_text()):
            if label in labels and label != config.label:
                foreign.append(f"{path.relative_to(Path.cwd())}: {label}.{codename}")
    assert foreign == []
    # The apps whose models officers use each register their own grants.
    assert {
        "members",
        "audit",
        "comms",
        "personal_data",
        "dataprotection",
        "supporters",
        "networks",
        "campaigns",
        "events",
    } <= seen


def test_every_granted_permission_exists_and_every_role_has_a_group_of_them(db):
    granted = set().union(*ROLE_PERMISSIONS.values())
    existing = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list(
            "content_type__app_label", "codename"
        )
    }
    assert sorted(granted - existing) == []
    assert set(ROLE_PERMISSIONS) == set(Role.values)
    # Every officer reads the audit log and their CLP's people, whichever app
    # granted it.
    for permissions in ROLE_PERMISSIONS.values():
        assert {"audit.view_auditentry", "members.view_person"} <= permissions
