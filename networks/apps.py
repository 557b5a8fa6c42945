from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("Networks")

    def ready(self) -> None:
        from members.portal.sections import PortalSection, register_section
        from networks import segments

        segments.register()
        # A person's networks, posts and consultation comments in their data export.
        from partyhub.privacy import register_model_section

        register_model_section(
            "network_memberships",
            "networks.NetworkMembership",
            fields=[("network", "network.name"), "status", "joined"],
            select_related=["network"],
        )
        register_model_section(
            "network_posts",
            "networks.Post",
            person_field="author",
            fields=[("thread", "thread.title"), "body", "created", "edited"],
            select_related=["thread"],
        )
        register_model_section(
            "consultation_comments",
            "networks.Comment",
            fields=[
                ("consultation", "section.consultation.title"),
                ("section", "section.title"),
                "body",
                "created",
            ],
            select_related=["section__consultation"],
        )
        register_section(
            PortalSection(
                "networks",
                _("My networks"),
                "networks:mine",
                _("Policy networks and study groups: discussions and consultations."),
                order=50,
            )
        )
