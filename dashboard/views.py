"""The officers' home page (the admin index), the app list grouped by task, and
the charts' CSV downloads."""

from __future__ import annotations

import csv

from django.contrib.admin import AdminSite
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from dashboard import charts, selectors
from partyhub.actors import actor_of
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.exports import csv_cell
from partyhub.scoping import constituency_ids

# The app list, grouped by the work it is for rather than by model.
GROUPS = (
    ("members", gettext_lazy("Members")),
    ("supporters", gettext_lazy("Supporters")),
    ("campaigns", gettext_lazy("Campaigning")),
    ("events", gettext_lazy("Events")),
    ("networks", gettext_lazy("Policy and community")),
    ("comms", gettext_lazy("Messages")),
    ("finance", gettext_lazy("Money")),
    ("settings", gettext_lazy("Settings")),
)
APP_GROUP = {
    "members": "members",
    "supporters": "supporters",
    "campaigns": "campaigns",
    "events": "events",
    "networks": "networks",
    "comms": "comms",
    "finance": "finance",
}
MODEL_GROUP = {
    # The organisation's frame and the lookups: set up once, rarely touched.
    ("members", "Constituency"): "settings",
    ("members", "Ward"): "settings",
    ("members", "Branch"): "settings",
    ("members", "Postcode"): "settings",
    ("members", "PostcodeUpload"): "settings",
    ("members", "Forum"): "networks",
    ("members", "ForumMembership"): "networks",
    ("members", "ForumOffice"): "networks",
    ("comms", "BouncedAddress"): "settings",
}


def grouped_app_list(site: AdminSite, request: HttpRequest) -> list[dict]:
    groups: dict[str, list[dict]] = {key: [] for key, _label in GROUPS}
    for app in site.get_app_list(request):
        for model in app["models"]:
            key = MODEL_GROUP.get(
                (app["app_label"], model["object_name"]),
                APP_GROUP.get(app["app_label"], "settings"),
            )
            groups[key].append(model)
    return [
        {
            "key": key,
            "name": label,
            "models": sorted(groups[key], key=lambda m: str(m["name"])),
        }
        for key, label in GROUPS
        if groups[key]
    ]


def _visible_charts(site: AdminSite, request: HttpRequest, order: list[str]):
    """The charts whose topic the officer's admin shows at all (a cheap check of
    the module permissions, not the whole app list)."""
    allowed = {
        APP_GROUP[label] for label in APP_GROUP if request.user.has_module_perms(label)
    }
    topic_group = {
        "desk": "members",
        "supporters": "supporters",
        "events": "events",
        "campaigns": "campaigns",
        "messages": "comms",
    }
    keys = [
        key
        for key, (topic, _fn) in charts.CHARTS.items()
        if topic_group.get(topic, topic) in allowed
    ]
    rank = {topic: n for n, topic in enumerate(order)}
    return sorted(keys, key=lambda k: rank.get(charts.CHARTS[k][0], len(rank)))


def _chart_html(key: str, ids, today) -> str:
    """A chart's section as HTML, kept as long as its figures (drawing a few
    hundred SVG elements through the template engine costs more than the query)."""
    scope = "all" if ids is None else "-".join(str(i) for i in sorted(ids))
    cache_key = f"dashboard:chart-html:{get_language()}:{key}:{scope}:{today}"
    html = cache.get(cache_key)
    if html is None:
        html = render_to_string(
            "admin/dashboard/_chart.html", {"chart": charts.chart(key, ids, today)}
        )
        cache.set(cache_key, html, charts.CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - our own template's output


def home(site: AdminSite, request: HttpRequest, extra_context=None) -> HttpResponse:
    ids = constituency_ids(request.user)
    order = selectors.topic_order(request.user)
    today = timezone.localdate()
    chart_keys = _visible_charts(site, request, order)
    chart_list = [_chart_html(key, ids, today) for key in chart_keys]
    context = {
        **site.each_context(request),
        "title": _("Your constituency today"),
        "subtitle": None,
        "todos": selectors.todos(site, request),
        "coming": selectors.coming_up(request),
        "charts": chart_list,
        "chart_keys": chart_keys,
        **(extra_context or {}),
    }
    request.current_app = site.name
    return TemplateResponse(request, "admin/dashboard/home.html", context)


def apps(site: AdminSite, request: HttpRequest) -> HttpResponse:
    context = {
        **site.each_context(request),
        "title": _("Everything in the admin"),
        "groups": grouped_app_list(site, request),
    }
    request.current_app = site.name
    return TemplateResponse(request, "admin/dashboard/apps.html", context)


def chart_csv(site: AdminSite, request: HttpRequest, key: str) -> HttpResponse:
    order = selectors.topic_order(request.user)
    if key not in _visible_charts(site, request, order):
        raise Http404
    ids = constituency_ids(request.user)
    data = charts.chart(key, ids)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{key}-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow([csv_cell(h) for h in [_("Period"), *data.headings[1:]]])
    for row in data.rows:
        writer.writerow([csv_cell(v) for v in row])
    audit_log(
        actor=actor_of(request),
        action=AuditAction.DASHBOARD_CHART_EXPORT,
        row_count=len(data.rows),
        detail={"chart": key},
    )
    return response
