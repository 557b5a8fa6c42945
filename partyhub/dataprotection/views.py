"""The public privacy notices: one page per CLP, and an index of them."""

from __future__ import annotations

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from partyhub.dataprotection.notice import notice_context


def notice_index(request: HttpRequest) -> HttpResponse:
    constituency = apps.get_model("members", "Constituency")
    return render(
        request,
        "dataprotection/notice_index.html",
        {"constituencies": constituency.objects.order_by("name")},
    )


def notice(request: HttpRequest, slug: str) -> HttpResponse:
    constituency = get_object_or_404(
        apps.get_model("members", "Constituency"), slug=slug
    )
    return render(request, "dataprotection/notice.html", notice_context(constituency))
