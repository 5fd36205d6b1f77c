"""PAKN web pages under ``/phan-anh-kien-nghi/`` (issue 5 points 1–3, 7).

Public: published answers (search, filters, pages), one answer, the submission form (procedure picked through the
catalog search), lookup by tracking code and contact. Submitter (signed in): their items, rating, re-complaint,
supplement. Officers: the queue, an item with its actions, entry of phone calls and letters.

Thin views: forms parse, :mod:`.services` writes, :mod:`.queries` reads. Every page works without JavaScript; every
form carries a CSRF token (Django's middleware refuses a POST without one); user text is escaped by the templates.
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.catalog.search import search_procedures
from motcua.units.models import Agency, Membership
from motcua.units.roles import HANDLING_ROLES

from . import forms, queries, ratelimit, rules, services
from .models import Feedback, FeedbackEvent, Topic
from .transitions import ACTION_LABELS, STATE_LABELS, Action, Role, State, TransitionNotAllowed, allowed_actions

SESSION_SUBMITTED = "motcua_pakn_submitted"
SESSION_VERIFIED = "motcua_pakn_verified"
PER_PAGE = 20
OFFICER_ROLES = tuple(Role(r) for r in HANDLING_ROLES)  # who handles an item (motcua.units.roles)


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("trang", "1")), 10_000))
    except ValueError:
        return 1


def _digits(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


# Public answers -----------------------------------------------------------------------------------------------------


def answers(request: HttpRequest) -> HttpResponse:
    """Published answers, newest first: diacritics-insensitive search, by procedure and agency, pages."""
    q = request.GET.get("q", "")[:200]
    procedure_code = request.GET.get("thu_tuc", "").strip()[:40]
    agency_code = request.GET.get("co_quan", "").strip()[:40]
    topic = request.GET.get("linh_vuc", "")
    agency = Agency.objects.filter(code=agency_code).first() if agency_code else None
    filters = queries.PublicFilters(q=q, procedure_code=procedure_code,
                                    agency_ids=(agency.pk,) if agency else ((-1,) if agency_code else ()),
                                    topic=topic if topic in Topic.values else "")
    page = queries.search_page(filters, _page_number(request), PER_PAGE)
    for item in page.items:  # plain slicing: Django's truncatechars normalises Unicode, a third of the page's time
        item.answer_excerpt = _excerpt(item.answer, 300)
        item.procedure_excerpt = _excerpt(item.procedure_name, 120)
    params = request.GET.copy()
    params.pop("trang", None)
    return render(request, "feedback/answers.html", {
        "page": page, "q": q, "procedure_code": procedure_code, "agency_code": agency_code, "agency": agency,
        "topic": filters.topic, "topics": Topic.choices, "query_string": params.urlencode(),
    })


def _excerpt(text: str, length: int) -> str:
    text = text or ""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def answer_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One item: the public answer; for its submitter signed in, also its status and the rating forms."""
    item = queries.item_by_code(code)
    if item is None:
        raise Http404
    is_submitter = _is_submitter(request, item)
    if not item.is_published and not is_submitter:
        raise Http404
    context = {"item": item if is_submitter else queries.published_item(code), "is_submitter": is_submitter,
               "state_label": STATE_LABELS.get(State(item.state), item.state)}
    if is_submitter:
        context.update(rate_form=forms.RateForm(), recomplain_form=forms.RecomplainForm(),
                       supplement_form=forms.NoteForm(), recomplaints=list(item.recomplaints.only("code")))
    return render(request, "feedback/answer.html", context)


def _is_submitter(request: HttpRequest, item: Feedback) -> bool:
    user = request.user
    if user.is_authenticated and item.submitter_user_id == user.pk:
        return True
    return item.code in request.session.get(SESSION_VERIFIED, [])


# Submission ---------------------------------------------------------------------------------------------------------


def _agencies_for_form() -> list[Agency]:
    """Ministries, provinces and provinces' service centres: a list short enough for a select (a procedure picked
    from the catalog brings its own agency; officers forward to any body, see :func:`_forward_agencies`)."""
    return list(Agency.objects.filter(Q(level="ministry") | Q(code__regex=r"^H[0-9]+$") | Q(code__endswith=".TTPVHCC"))
                .only("code", "name").order_by("code"))


def _data_from(form) -> dict:
    data = {k: v for k, v in form.cleaned_data.items() if k not in ("attachments", "channel")}
    return data


def _rate_limited(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    response = render(request, template, {**context, "too_many": True}, status=429)
    response["Retry-After"] = str(ratelimit.retry_after("submit"))
    return response


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """The submission form (issue 5 point 1). The procedure is picked from the catalog search (``tim``)."""
    search_q = request.GET.get("tim", "")[:200]
    found = list(search_procedures(search_q).versions[:10]) if search_q.strip() else []
    initial = {}
    if request.GET.get("thu_tuc"):
        initial["procedure_code"] = request.GET["thu_tuc"][:40]
        initial["topic"] = Topic.PROCEDURE
    if request.user.is_authenticated:
        initial["name"] = request.user.get_full_name() or ""
        initial["email"] = request.user.email or ""
    form = forms.SubmitForm(request.POST or None, request.FILES or None, agencies=_agencies_for_form(),
                            initial=initial)
    context = {"form": form, "search_q": search_q, "found": found, "searched": bool(search_q.strip())}
    if request.method == "POST":
        if ratelimit.exceeded("submit", request):
            return _rate_limited(request, "feedback/submit.html", context)
        if form.is_valid():
            ratelimit.hit("submit", request)
            try:
                item = services.submit(_data_from(form), actor=request.user if request.user.is_authenticated else None,
                                       role=Role.APPLICANT, channel="online",
                                       attachments=form.cleaned_data.get("attachments") or [])
            except services.InvalidFeedback as error:
                for key, message in error.errors.items():
                    form.add_error(key if key in form.fields else None, message)
            else:
                submitted = request.session.get(SESSION_SUBMITTED, [])[-20:]
                request.session[SESSION_SUBMITTED] = [*submitted, item.code]
                verified = request.session.get(SESSION_VERIFIED, [])[-20:]
                request.session[SESSION_VERIFIED] = [*verified, item.code]
                return HttpResponseRedirect(reverse("feedback:submitted", args=[item.code]))
        return render(request, "feedback/submit.html", context, status=400)
    return render(request, "feedback/submit.html", context)


def submitted(request: HttpRequest, code: str) -> HttpResponse:
    if code not in request.session.get(SESSION_SUBMITTED, []):
        raise Http404
    item = queries.item_by_code(code)
    if item is None:
        raise Http404
    return render(request, "feedback/submitted.html", {"item": item})


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Look an item up by its tracking code and the phone or e-mail given with it (no account needed)."""
    form = forms.LookupForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST":
        if ratelimit.exceeded("lookup", request):
            response = render(request, "feedback/lookup.html", {**context, "too_many": True}, status=429)
            response["Retry-After"] = str(ratelimit.retry_after("lookup"))
            return response
        if form.is_valid():
            code = form.cleaned_data["code"].strip().upper()
            contact = form.cleaned_data["contact"].strip()
            item = queries.item_by_code(code)
            matches = item is not None and (
                (item.submitter_email and item.submitter_email.lower() == contact.lower())
                or (item.submitter_phone and _digits(item.submitter_phone) == _digits(contact) != ""))
            if matches:
                verified = request.session.get(SESSION_VERIFIED, [])[-20:]
                request.session[SESSION_VERIFIED] = [*verified, item.code]
                return HttpResponseRedirect(reverse("feedback:answer", args=[item.code]))
            ratelimit.hit("lookup", request)
            context["not_found"] = True
        return render(request, "feedback/lookup.html", context, status=400)
    return render(request, "feedback/lookup.html", context)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    items = list(queries.items_of_submitter(request.user)[:200])
    return render(request, "feedback/mine.html", {"items": items, "labels": STATE_LABELS})


def _submitter_action(request: HttpRequest, code: str, call) -> HttpResponse:
    item = queries.item_by_code(code)
    if item is None:
        raise Http404
    if ratelimit.exceeded("rate", request):
        return HttpResponse(_("Quý vị thao tác quá nhiều lần, vui lòng thử lại sau."), status=429,
                            headers={"Retry-After": str(ratelimit.retry_after("rate"))})
    ratelimit.hit("rate", request)
    try:
        call(item)
    except services.InvalidFeedback as error:
        return render(request, "feedback/message.html", {"title": _("Không thực hiện được"),
                                                         "messages": list(error.errors.values()), "item": item},
                      status=400)
    except (services.ActorNotAllowed, TransitionNotAllowed):
        raise PermissionDenied from None
    return HttpResponseRedirect(reverse("feedback:answer", args=[code]))


@require_POST
@login_required
def rate(request: HttpRequest, code: str) -> HttpResponse:
    form = forms.RateForm(request.POST)
    return _submitter_action(request, code, lambda item: services.rate(
        item.code, form.cleaned_data["rating"] if form.is_valid() else "", actor=request.user))


@require_POST
@login_required
def recomplain(request: HttpRequest, code: str) -> HttpResponse:
    form = forms.RecomplainForm(request.POST)
    return _submitter_action(request, code, lambda item: services.recomplain(
        item.code, form.cleaned_data["content"] if form.is_valid() else "", actor=request.user))


@require_POST
@login_required
def supplement(request: HttpRequest, code: str) -> HttpResponse:
    form = forms.NoteForm(request.POST)
    return _submitter_action(request, code, lambda item: services.act(
        item.code, Action.SUBMIT_SUPPLEMENT, actor=request.user, role=Role.APPLICANT,
        text=form.cleaned_data["note"] if form.is_valid() else ""))


# Officers ---------------------------------------------------------------------------------------------------------


def _officer_roles(user, item: Feedback | None = None) -> list[str]:
    if not user.is_authenticated:
        return []
    if item is None:
        return sorted(set(Membership.objects.filter(user=user).values_list("role", flat=True)))
    return [r for r in (*OFFICER_ROLES, Role.SUPERVISOR) if services._holds_role(user, item.agency, r)]


def _require_officer(request: HttpRequest) -> list[int]:
    if not request.user.is_authenticated:
        raise PermissionDenied
    agencies = services.officer_agencies(request.user)
    if not agencies:
        raise PermissionDenied
    return agencies


@login_required
def officer_queue(request: HttpRequest) -> HttpResponse:
    agencies = _require_officer(request)
    state = request.GET.get("trang_thai", "")
    states = [state] if state in {str(s) for s in State} else None
    page = queries.page_of(queries.queue(agencies, states), _page_number(request), 50)
    now = timezone.now()
    rows = [(item, rules.overdue_flags(_clocks(item), now)) for item in page.items]
    return render(request, "feedback/officer/queue.html", {
        "page": page, "rows": rows, "state": state, "labels": STATE_LABELS,
        "states": [(str(s), STATE_LABELS[s]) for s in State if s is not State.NEW]})


def _clocks(item: Feedback) -> rules.Clocks:
    return rules.Clocks(state=item.state, decided_at=item.decided_at, forwarded_at=item.forwarded_at,
                        answered_at=item.answered_at, published_at=item.published_at,
                        decision_due_at=item.decision_due_at, answer_due_at=item.answer_due_at,
                        publish_due_at=item.publish_due_at,
                        refused_at=item.closed_at if item.state == State.REFUSED else None,
                        forward_due_at=item.forward_due_at, supplement_due_at=item.supplement_due_at,
                        classification=item.classification)


ACTION_FORMS = {
    Action.CLASSIFY: forms.ClassifyForm, Action.REFUSE: forms.RefuseForm, Action.FORWARD: forms.ForwardForm,
    Action.REQUEST_SUPPLEMENT: forms.NoteForm, Action.DRAFT_ANSWER: forms.AnswerForm,
    Action.RETURN_DRAFT: forms.NoteForm, Action.APPROVE: forms.AnswerForm, Action.PUBLISH: None,
}


def _forward_agencies(item: Feedback) -> list[Agency]:
    """Every ministry- and province-level body (communes are reached through their province)."""
    return list(Agency.objects.exclude(level="commune").exclude(pk=item.agency_id).only("code", "name")
                .order_by("code"))


def _action_forms(item: Feedback, roles: list[str], bound: dict | None = None) -> list[dict]:
    offered = []
    seen = set()
    for role in roles:
        for action in allowed_actions(item.state, role):
            if action in seen or action not in ACTION_FORMS:
                continue
            seen.add(action)
            form_class = ACTION_FORMS[Action(action)]
            kwargs = {"agencies": _forward_agencies(item)} if form_class is forms.ForwardForm else {}
            initial = {}
            if action in (Action.DRAFT_ANSWER, Action.APPROVE):
                initial = {"answer": item.answer_draft, "public_title": item.public_title,
                           "public_content": item.public_content}
            form = None
            if form_class is not None:
                data = bound.get("data") if bound and bound.get("action") == action else None
                form = form_class(data, initial=initial, prefix=action, **kwargs)
                if bound and bound.get("action") == action:
                    form.is_valid()
                    for key, message in bound.get("errors", {}).items():
                        form.add_error(key if key in form.fields else None, message)
            offered.append({"action": action, "role": role, "label": ACTION_LABELS[Action(action)], "form": form})
    return offered


@login_required
def officer_item(request: HttpRequest, code: str, bound: dict | None = None, status: int = 200) -> HttpResponse:
    agencies = _require_officer(request)
    item = Feedback.objects.select_related("agency", "received_by", "procedure", "dossier").filter(code=code).first()
    if item is None or (item.agency_id not in agencies and item.received_by_id not in agencies):
        raise Http404
    services.record_access(item, request.user, "officer_view")  # every look at personal data leaves a trace
    roles = _officer_roles(request.user, item)
    events = list(FeedbackEvent.objects.filter(feedback=item).select_related("actor").order_by("seq"))
    for event in events:
        event.label = ACTION_LABELS.get(Action(event.action), event.action) if event.action in set(Action) else ""
    return render(request, "feedback/officer/item.html", {
        "item": item, "events": events, "labels": STATE_LABELS, "action_labels": ACTION_LABELS,
        "flags": rules.overdue_flags(_clocks(item), timezone.now()),
        "flag_labels": [rules.SPAM_REASON_LABELS.get(r, r) for r in item.flag_reasons],
        "redirect_hint": events[0].data.get("redirect_hint", "") if events else "",
        "actions": _action_forms(item, [r for r in roles if r != Role.SUPERVISOR], bound),
        "attachments": list(item.attachments.all()),
    }, status=status)


@require_POST
@login_required
def officer_act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    _require_officer(request)
    item = Feedback.objects.select_related("agency").filter(code=code).first()
    if item is None:
        raise Http404
    form_class = ACTION_FORMS.get(action) if action in {str(a) for a in Action} else None
    if action not in ACTION_FORMS:
        raise Http404
    payload: dict = {}
    if form_class is not None:
        kwargs = {"agencies": _forward_agencies(item)} if form_class is forms.ForwardForm else {}
        form = form_class(request.POST, prefix=action, **kwargs)
        if not form.is_valid():
            return officer_item(request, code, {"action": action, "data": request.POST}, 400)
        payload = dict(form.cleaned_data)
        if action == Action.RETURN_DRAFT:
            payload["reason"] = payload.pop("note")
    role = request.POST.get("role", "")
    if role not in [str(r) for r in OFFICER_ROLES]:
        raise PermissionDenied
    try:
        expected = int(request.POST.get("version", ""))
    except ValueError:
        expected = None
    try:
        services.act(code, action, actor=request.user, role=role, expected_version=expected, **payload)
    except services.InvalidFeedback as error:
        return officer_item(request, code, {"action": action, "data": request.POST, "errors": error.errors}, 400)
    except services.VersionConflict:
        return officer_item(request, code, {"action": action, "data": request.POST,
                                            "errors": {"__all__": _("Mục này vừa được người khác cập nhật; hãy xem "
                                                                    "lại rồi thao tác.")}}, 409)
    except (services.ActorNotAllowed, TransitionNotAllowed):
        raise PermissionDenied from None
    return HttpResponseRedirect(reverse("feedback:officer_item", args=[code]))


@require_http_methods(["GET", "POST"])
@login_required
def officer_entry(request: HttpRequest) -> HttpResponse:
    """An officer writes down a phone call or a letter (Decree 20/2008: oral PAKN are recorded by the receiver)."""
    _require_officer(request)
    own = list(Agency.objects.filter(memberships__user=request.user,
                                     memberships__role__in=[str(r) for r in OFFICER_ROLES]).distinct())
    form = forms.PhoneEntryForm(request.POST or None, request.FILES or None, agencies=own,
                                initial={"agency_code": own[0].code if own else ""})
    if request.method == "POST" and form.is_valid():
        try:
            item = services.submit(_data_from(form), actor=request.user, role=Role.DESK_OFFICER,
                                   channel=form.cleaned_data["channel"],
                                   attachments=form.cleaned_data.get("attachments") or [])
        except services.InvalidFeedback as error:
            for key, message in error.errors.items():
                form.add_error(key if key in form.fields else None, message)
        except services.ActorNotAllowed:
            form.add_error("agency_code", _("Quý vị không làm việc tại cơ quan này."))
        else:
            return HttpResponseRedirect(reverse("feedback:officer_item", args=[item.code]))
    return render(request, "feedback/officer/entry.html", {"form": form},
                  status=400 if request.method == "POST" else 200)
