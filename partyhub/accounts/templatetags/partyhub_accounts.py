from django import template

from partyhub.scoping import is_officer

register = template.Library()


@register.simple_tag
def holds_office(user) -> bool:
    """True for officers (and regional organisers): they get a way on to the admin."""
    return is_officer(user)
