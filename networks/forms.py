from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from networks import services
from partyhub.forms import SingleLineMixin


class SubmissionForm(SingleLineMixin, forms.Form):
    """The introduction, and one box per section of the consultation."""

    introduction = forms.CharField(
        label=_("Introduction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, sections, submission=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sections = sections
        saved = (
            {t.section_id: t.text for t in submission.texts.all()} if submission else {}
        )
        if submission is not None:
            self.fields["introduction"].initial = submission.introduction
        for section in sections:
            self.fields[f"section_{section.pk}"] = forms.CharField(
                label=_("The network's response to %(number)s. %(title)s")
                % {"number": section.number, "title": section.title},
                widget=forms.Textarea(attrs={"rows": 6}),
                required=False,
                max_length=20000,
                # A first draft from the comments; what was saved wins.
                initial=saved.get(section.pk, services.comments_as_text(section)),
            )
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def section_texts(self) -> dict[int, str]:
        return {
            section.pk: self.cleaned_data[f"section_{section.pk}"]
            for section in self._sections
        }
