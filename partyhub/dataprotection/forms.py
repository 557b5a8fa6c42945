from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from partyhub.dataprotection.retention import ScheduleRow, period_text
from partyhub.forms import SingleLineMixin


class ScheduleForm(SingleLineMixin, forms.Form):
    """One number of days per kind of data."""

    def __init__(self, *args, rows: list[ScheduleRow], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for row in rows:
            category = row.category
            self.fields[category.key] = forms.IntegerField(
                label=category.label,
                initial=row.days,
                min_value=1,
                max_value=3650,
                help_text=_("Days, %(from)s (default %(default)s). Then %(then)s.")
                % {
                    "from": category.counted_from,
                    "default": period_text(category.default_days),
                    "then": category.then,
                },
                error_messages={
                    "min_value": _("Keep it for at least one day."),
                    "max_value": _("At most 3650 days (ten years)."),
                    "invalid": _("Enter a whole number of days."),
                    "required": _("Enter a number of days."),
                },
            )


class TpsUploadForm(SingleLineMixin, forms.Form):
    constituency = forms.ModelChoiceField(
        label=_("Constituency"), queryset=None, empty_label=None
    )
    file = forms.FileField(
        label=_("The TPS file"),
        help_text=_(
            "The list as the Telephone Preference Service supplies it: a text or CSV "
            "file with one number a line, or that file zipped. It replaces the list "
            "uploaded before."
        ),
    )

    def __init__(self, *args, constituencies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["constituency"].queryset = constituencies
