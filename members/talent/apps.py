"""Plugged in from MembersConfig.ready(): permissions, portal sections, data export."""

from django.utils.translation import gettext_lazy as _


def talent_ready() -> None:
    from members.portal.sections import PortalSection, register_section
    from members.talent import roles, segments

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
