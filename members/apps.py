from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members and organisation")

    def ready(self) -> None:
        from members import roles as _roles

        # What office roles may do with this app's models.
        _roles.register()
        from members import segments

        segments.register()
        # What the app holds about people, in the register of personal data
        # (export, erasure, merge: partyhub.personal_data).
        from members import personal_data

        personal_data.register_all()
        # Interests, candidates, forums: roles' permissions and portal sections.
        from members.talent.apps import talent_ready

        talent_ready()
        # After every app's migrate (and test flush), so the permissions of apps
        # that migrate later reach the office groups too.
        post_migrate.connect(_sync_groups, dispatch_uid="members.office_groups_sync")
        # The renewal desk and mentoring (issue 6): email kinds, and welcoming
        # new joiners / reminding those in arrears when an import says so.
        from members.desk import kinds, receivers

        kinds.register()
        receivers.connect()


def _sync_groups(sender, using="default", **kwargs) -> None:
    from members.services import office_groups_sync

    office_groups_sync(using=using)
