"""Plugged in from MembersConfig.ready(): permissions, portal sections, data export."""

from django.utils.translation import gettext_lazy as _


def talent_ready() -> None:
    from members.portal.sections import PortalSection, register_section
    from members.talent import roles, segments
    from partyhub.privacy import register_model_section

    roles.register()
    segments.register()
    register_section(
        PortalSection(
            "standing",
            _("Standing for office"),
            "portal:standing",
            _("Tell the party you would like to stand as a councillor or MP."),
            order=35,
        )
    )
    register_section(
        PortalSection(
            "forums",
            _("My forums"),
            "portal:forums",
            _("The forums you belong to; forum officers keep their members here."),
            order=40,
        )
    )
    # A person's interests, candidacies and forums in their data export.
    register_model_section(
        "interests_and_skills",
        "members.PersonInterest",
        fields=[("interest", "interest.name"), "detail", "source", "created"],
        select_related=["interest"],
    )
    register_model_section(
        "candidacies",
        "members.Candidate",
        fields=[
            "office_sought",
            ("constituency", "constituency.name"),
            "stage",
            "created",
        ],
        select_related=["constituency"],
    )
    register_model_section(
        "forums",
        "members.ForumMembership",
        fields=[("forum", "forum.name"), "joined"],
        select_related=["forum"],
    )
    register_model_section(
        "forum_offices",
        "members.ForumOfficer",
        fields=[("forum", "forum.name"), "role", "starts", "ends"],
        select_related=["forum"],
    )
