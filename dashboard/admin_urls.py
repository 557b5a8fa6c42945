"""The home page's own admin URLs, added by PartyAdminSite.get_urls()."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.urls import path

from dashboard import reports, views


def urls(site: AdminSite) -> list:
    def wrap(view):
        def inner(request, *args, **kwargs):
            return view(site, request, *args, **kwargs)

        return site.admin_view(inner)

    return [
        path("apps/", wrap(views.apps), name="apps"),
        path(
            "home/charts/<slug:key>.csv",
            wrap(views.chart_csv),
            name="dashboard_chart_csv",
        ),
        path("reports/", wrap(reports.index), name="dashboard_reports"),
        path("reports/<slug:key>/", wrap(reports.report), name="dashboard_report"),
    ]
