"""Pieces the supporters' admin pages share."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy

from partyhub.scoping import constituency_ids
from supporters.models import (
    HelpOffer,
    Supporter,
)
from supporters.services import (
    help_offers_for,
)


class OffersMixin:
    """Kinds of help on a form: the party-wide ones and the officer's CLPs' own (the
    scoping mixin alone would drop the party-wide ones, which have no CLP)."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is HelpOffer:
            kwargs["queryset"] = help_offers_for(constituency_ids(request.user))
            kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is HelpOffer:
            kwargs["queryset"] = help_offers_for(constituency_ids(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OfferListFilter(admin.SimpleListFilter):
    """Filter by kind of help, offering the party-wide kinds too."""

    title = gettext_lazy("help offered")
    parameter_name = "offer"
    lookup = "offers__pk"

    def lookups(self, request, model_admin):
        return [
            (o.pk, o.label) for o in help_offers_for(constituency_ids(request.user))
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value:
            if not value.isdigit():
                return queryset.none()
            return queryset.filter(**{self.lookup: value})
        return queryset


def offer_slugs(supporter: Supporter) -> str:
    return ";".join(o.slug for o in supporter.offers.all())


class AskOfferListFilter(OfferListFilter):
    title = gettext_lazy("kind of help")
    lookup = "offer__pk"
