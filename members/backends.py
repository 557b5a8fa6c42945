from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.models import Permission

from members.roles import group_name
from partyhub.scoping import current_offices

_CACHE = "_partyhub_office_perms"


class OfficeBackend(BaseBackend):
    """Admin permissions from the offices a person holds today.

    Nobody sets is_staff by hand: an office's permission group applies while the
    office is held, and the scoping mixin limits it to that office's constituency.
    """

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return set()
        cached = getattr(user_obj, _CACHE, None)
        if cached is None:
            names = {group_name(role) for role, _cid in current_offices(user_obj)}
            rows = (
                Permission.objects.filter(group__name__in=names)
                .values_list("content_type__app_label", "codename")
                .distinct()
                if names
                else []
            )
            cached = {f"{app}.{codename}" for app, codename in rows}
            setattr(user_obj, _CACHE, cached)
        return cached

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return any(
            perm.startswith(f"{app_label}.")
            for perm in self.get_all_permissions(user_obj)
        )
