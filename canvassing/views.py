"""The canvassing pages, for officers and canvass leads of the CLP only: the
register, walks (phone page and PDF), doorstep returns, results and polling day.
Anyone else gets 404 and learns nothing about the register."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canvassing import selectors, services
from canvassing.access import canvass_constituency_ids, check
from canvassing.forms import ImportForm, MarkVotedForm, ReturnForm, WalksForm
from canvassing.models import Elector, RegisterImport, Walk
from canvassing.services.walks import imprint_for, walk_doors, walks_pdf
from members.models import Constituency
from partyhub.admin_site import officer_powers, officer_two_factor_required
from partyhub.audit.services import audit_log
from partyhub.errors import DomainError, message_of
from partyhub.scoping import constituency_ids


def canvass_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; an officer without two-factor is sent to set it up."""

    @login_required
    @officer_two_factor_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, *args, **kwargs)

    return wrapper


def _clp(request: HttpRequest, slug: str) -> Constituency:
    clp = get_object_or_404(Constituency, slug=slug)
    check(request.user, clp.pk)
    return clp


def _is_officer_of(request: HttpRequest, clp: Constituency) -> bool:
    if not officer_powers(request.user):
        return False
    ids = constituency_ids(request.user)
    return ids is None or clp.pk in ids


@canvass_view
def home(request: HttpRequest) -> HttpResponse:
    ids = canvass_constituency_ids(request.user)
    clps = Constituency.objects.order_by("name")
    if ids is not None:
        clps = clps.filter(pk__in=ids)
    if ids is not None and not ids:
        return render(request, "canvassing/no_access.html", status=403)
    if ids is not None and len(ids) == 1:
        return redirect("canvassing:constituency", slug=clps.get().slug)
    return render(request, "canvassing/home.html", {"clps": clps})


@canvass_view
def constituency(request: HttpRequest, slug: str) -> HttpResponse:
    clp = _clp(request, slug)
    return render(
        request,
        "canvassing/constituency.html",
        {
            "clp": clp,
            "districts": selectors.districts_of(clp.pk),
            "import_form": ImportForm(constituency_id=clp.pk, prefix="import"),
            "walks_form": WalksForm(constituency_id=clp.pk, prefix="walks"),
            "walks": Walk.objects.filter(constituency=clp)
            .select_related("district")
            .order_by("-created", "number")[:40],
            "imports": RegisterImport.objects.filter(
                district__constituency=clp
            ).select_related("district")[:10],
            "officer": _is_officer_of(request, clp),
        },
    )


@require_POST
@canvass_view
def register_import(request: HttpRequest, slug: str) -> HttpResponse:
    clp = _clp(request, slug)
    form = ImportForm(
        request.POST, request.FILES, constituency_id=clp.pk, prefix="import"
    )
    if form.is_valid():
        code = form.cleaned_data["district_code"].strip().upper()
        upload = form.cleaned_data["file"]
        try:
            # A refused file leaves no new district behind.
            with transaction.atomic():
                district = services.district_for_import(
                    constituency_id=clp.pk,
                    code=code,
                    name=form.cleaned_data["district_name"],
                    ward=form.cleaned_data["ward"],
                    actor=request.user,
                )
                run = services.register_import(
                    district=district,
                    data=upload.read(),
                    update=form.cleaned_data["kind"] == "update",
                    actor=request.user,
                    file_name=upload.name,
                )
        except DomainError as exc:
            messages.error(request, message_of(exc))
        else:
            messages.success(
                request,
                _(
                    "District %(code)s imported: %(added)s added, %(changed)s changed, "
                    "%(deleted)s deleted."
                )
                % {
                    "code": code,
                    "added": run.added,
                    "changed": run.changed,
                    "deleted": run.deleted,
                },
            )
    else:
        messages.error(request, _("Choose the district and the file to import."))
    return redirect("canvassing:constituency", slug=clp.slug)


@require_POST
@canvass_view
def register_delete(request: HttpRequest, slug: str) -> HttpResponse:
    clp = _clp(request, slug)
    if not _is_officer_of(request, clp):
        raise Http404
    count = services.register_delete(
        constituency_id=clp.pk, actor=request.user, reason="deleted by an officer"
    )
    messages.success(
        request, _("The register was deleted (%(n)s electors).") % {"n": count}
    )
    return redirect("canvassing:constituency", slug=clp.slug)


@require_POST
@canvass_view
def walks_create(request: HttpRequest, slug: str) -> HttpResponse:
    clp = _clp(request, slug)
    form = WalksForm(request.POST, constituency_id=clp.pk, prefix="walks")
    if form.is_valid():
        try:
            walks = services.walks_create(
                constituency=clp,
                district=form.cleaned_data["district"],
                ward=None
                if form.cleaned_data["district"]
                else form.cleaned_data["ward"],
                target=form.cleaned_data["target"],
                size=form.cleaned_data["size"],
                actor=request.user,
            )
        except DomainError as exc:
            messages.error(request, message_of(exc))
        else:
            messages.success(request, _("%(n)s walks made.") % {"n": len(walks)})
            ids = ",".join(str(w.pk) for w in walks)
            url = reverse("canvassing:walks_print", args=[clp.slug])
            return redirect(f"{url}?walks={ids}")
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.values()))
    return redirect("canvassing:constituency", slug=clp.slug)


@canvass_view
def walks_print(request: HttpRequest, slug: str) -> HttpResponse:
    """The walks just made: print them all, or open one on a phone."""
    clp = _clp(request, slug)
    ids = [int(p) for p in request.GET.get("walks", "").split(",") if p.isdigit()]
    walks = Walk.objects.filter(constituency=clp, pk__in=ids).select_related("district")
    return render(
        request,
        "canvassing/walks_print.html",
        {"clp": clp, "walks": walks, "ids": ",".join(str(w.pk) for w in walks)},
    )


@canvass_view
def walks_pdf_view(request: HttpRequest, slug: str) -> HttpResponse:
    clp = _clp(request, slug)
    ids = [int(p) for p in request.GET.get("walks", "").split(",") if p.isdigit()]
    walks = list(
        Walk.objects.filter(constituency=clp, pk__in=ids)
        .select_related("district")
        .order_by("district__code", "number")
    )
    if not walks:
        raise Http404
    try:
        imprint = imprint_for(clp.pk)
    except DomainError as exc:
        messages.error(request, message_of(exc))
        return redirect("canvassing:constituency", slug=clp.slug)
    for walk in walks:
        services.walk_printed(walk=walk, actor=request.user, kind="printed")
    response = HttpResponse(
        walks_pdf(walks, imprint=imprint), content_type="application/pdf"
    )
    response["Content-Disposition"] = 'attachment; filename="walks.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@canvass_view
def walk(request: HttpRequest, pk: int) -> HttpResponse:
    """A walk on a phone: each door, each elector, what they said."""
    the_walk = get_object_or_404(Walk.objects.select_related("district"), pk=pk)
    check(request.user, the_walk.constituency_id)
    services.walk_printed(walk=the_walk, actor=request.user, kind="opened")
    sides = walk_doors(the_walk)
    for side in sides:
        for door in side.doors:
            for elector in door.electors:
                elector.return_form = ReturnForm(  # type: ignore[attr-defined]
                    prefix=f"e{elector.pk}",
                    initial={
                        "elector": elector.pk,
                        "walk": the_walk.pk,
                        "key": uuid.uuid4(),
                    },
                )
    response = render(
        request,
        "canvassing/walk.html",
        {"walk": the_walk, "sides": sides},
    )
    response["Cache-Control"] = "no-store"
    return response


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@canvass_view
def return_save(request: HttpRequest) -> HttpResponse:
    """One doorstep answer, from the phone page's queue (JSON) or a plain form."""
    prefix = request.POST.get("prefix") or None
    form = ReturnForm(request.POST, prefix=prefix)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"ok": False, "errors": form.errors}, status=400)
        messages.error(request, _("Choose what they said, then save."))
        return redirect(request.META.get("HTTP_REFERER") or "canvassing:home")
    data = form.cleaned_data
    elector = get_object_or_404(
        Elector.objects.select_related("district__constituency", "household"),
        pk=data["elector"],
    )
    check(request.user, elector.district.constituency_id)
    the_walk = None
    if data.get("walk"):
        the_walk = Walk.objects.filter(
            pk=data["walk"], constituency_id=elector.district.constituency_id
        ).first()
    try:
        row, recorded = services.return_record(
            elector=elector,
            walk=the_walk,
            actor=request.user,
            data=services.ReturnData(
                key=data["key"],
                answer=data["answer"],
                issues=data["issues"],
                poster=data["poster"],
                postal_vote_wanted=data["postal_vote_wanted"],
                wants_to_join=data["wants_to_join"],
                recorded_at=data.get("recorded_at"),
                email=data.get("email") or "",
                phone=data.get("phone") or "",
            ),
        )
    except DomainError as exc:
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": message_of(exc)}, status=400)
        messages.error(request, message_of(exc))
        return redirect(request.META.get("HTTP_REFERER") or "canvassing:home")
    if _wants_json(request):
        return JsonResponse(
            {"ok": True, "recorded": recorded, "answer": row.get_answer_display()}
        )
    messages.success(
        request,
        _("Saved: %(name)s — %(answer)s.")
        % {"name": elector.last_name, "answer": row.get_answer_display()},
    )
    if the_walk is not None:
        return redirect("canvassing:walk", pk=the_walk.pk)
    return redirect("canvassing:home")


@canvass_view
def results(request: HttpRequest, slug: str) -> HttpResponse:
    clp = _clp(request, slug)
    return render(
        request,
        "canvassing/results.html",
        {
            "clp": clp,
            "results": selectors.results(clp.pk),
            "targets": selectors.contact_targets(clp.pk),
            "answers": [
                (v, label)
                for v, label in Elector._meta.get_field("intention").choices or []
                if v != "not_in"
            ],
        },
    )


def _numbers_from_file(upload: Any) -> str:
    text = upload.read().decode("utf-8-sig", errors="replace")
    firsts = [row[0] for row in csv.reader(io.StringIO(text)) if row and row[0].strip()]
    return " ".join(firsts)


@canvass_view
def polling_day(request: HttpRequest, slug: str) -> HttpResponse:
    clp = _clp(request, slug)
    form = MarkVotedForm(constituency_id=clp.pk)
    if request.method == "POST":
        form = MarkVotedForm(request.POST, request.FILES, constituency_id=clp.pk)
        if form.is_valid():
            text = form.cleaned_data["numbers"] or ""
            source = "tellers"
            if form.cleaned_data["file"]:
                text += " " + _numbers_from_file(form.cleaned_data["file"])
                source = "marked register"
            numbers, bad = services.numbers_from_text(text)
            # The header line of a file is not a number: only typed pieces count.
            try:
                marked, unknown = services.mark_voted(
                    district=form.cleaned_data["district"],
                    numbers=numbers,
                    actor=request.user,
                    source=source,
                )
            except DomainError as exc:
                messages.error(request, message_of(exc))
            else:
                note = _("%(n)s marked as voted.") % {"n": marked}
                if unknown or (bad and source == "tellers"):
                    note += " " + _("Not on the register: %(list)s.") % {
                        "list": ", ".join([*unknown, *bad][:20])
                    }
                messages.success(request, note)
                district_pk = form.cleaned_data["district"].pk
                return redirect(f"{request.path}?district={district_pk}")
    districts = list(selectors.districts_of(clp.pk))
    chosen = [d.pk for d in districts]
    wanted = request.GET.get("district", "")
    if wanted.isdigit() and int(wanted) in chosen:
        chosen = [int(wanted)]
    streets = selectors.knock_up(chosen)
    # A list of named electors on screen (and often printed): recorded.
    audit_log(
        actor=request.user,
        action="canvassing.knock_up_viewed",
        constituency_id=clp.pk,
        row_count=sum(len(e) for _s, e in streets),
    )
    return render(
        request,
        "canvassing/polling_day.html",
        {
            "clp": clp,
            "form": form,
            "streets": streets,
            "left": sum(len(e) for _s, e in streets),
            "districts": districts,
            "chosen": chosen[0] if len(chosen) == 1 else None,
        },
    )
