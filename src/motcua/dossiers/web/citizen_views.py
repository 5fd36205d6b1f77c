"""The citizen's pages (issue 3 point 7), mounted at ``/ho-so/``: submit online, track by code, answer a supplement
request, withdraw, download the electronic result, rate the handling.

Thin views (issue 15 point 3): the forms parse, :mod:`motcua.dossiers.services` writes (a submission with its papers
and a supplement with its files each in one call, all or nothing), :mod:`motcua.dossiers.queries` reads. Every page
works without JavaScript (plain forms, POST-redirect-GET).

Who may see a dossier's details (the rule of :mod:`motcua.dossiers.access`, ``Dossier.objects.visible_to``): its
applicant signed in, or whoever gives the applicant's personal ID number (or enterprise code) or phone for that code
in this session. Without them, tracking shows only the state and the due date. Wrong guesses and unknown codes are
limited per session and per IP address (``MOTCUA_TRACK_ATTEMPTS`` in ``MOTCUA_TRACK_WINDOW_SECONDS``, default 10 in 10
minutes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.identifiers import enterprise_code_error, personal_id_error
from motcua.core.ratelimit import Limit
from motcua.dossiers import access, digitisation, documents, places, queries, rating, services
from motcua.dossiers.models import ChannelKind, Dossier, DossierDocument, DossierEvent
from motcua.dossiers.transitions import STATUS_CODES, Role, State
from motcua.dossiers.web import case_documents, once_only

SESSION_VERIFIED = "motcua_citizen_verified"
SESSION_SUBMITTED = "motcua_citizen_submitted"
SUPPLEMENT_STATES = {State.RECEIPT_SUPPLEMENT_REQUESTED, State.SUPPLEMENT_REQUESTED}
RESULT_STATES = {State.RESULT_ISSUED, State.RETURNED}
PERSONAL_ID = re.compile(r"^\d{12}$")
ENTERPRISE_CODE = re.compile(r"^\d{10}(-\d{3})?$")
PHONE = re.compile(r"^\+?[0-9 .-]{8,20}$")


# Helpers ---------------------------------------------------------------------------------------------------------


def _digits_phone(value: str) -> str:
    """A phone number reduced to its national digits: ``+84 912 345 678`` and ``0912.345.678`` are the same."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


def _tracking_limit() -> Limit:
    return Limit("track", settings.MOTCUA_TRACK_ATTEMPTS, settings.MOTCUA_TRACK_WINDOW_SECONDS)


def _too_many_attempts(request: HttpRequest) -> bool:
    return _tracking_limit().exceeded(request, session=True)


def _count_failed_attempt(request: HttpRequest) -> None:
    _tracking_limit().hit(request, session=True)


def _is_signed_in_applicant(request: HttpRequest, dossier: Dossier) -> bool:
    """The signed-in account is the applicant (who may act as the applicant: withdraw, amend; access.is_applicant)."""
    return access.is_applicant_user(request.user, dossier)


def _visible(request: HttpRequest):
    """The dossiers whose details the visitor may see (``Dossier.objects.visible_to``, the rule of
    :mod:`motcua.dossiers.access`, as an applicant): their own when signed in, and those whose applicant's ID or phone
    they gave in this session."""
    return Dossier.objects.visible_to(request.user, as_officer=False,
                                      proved_codes=request.session.get(SESSION_VERIFIED, []))


def _may_see_details(request: HttpRequest, dossier: Dossier) -> bool:
    return _visible(request).contains(dossier)


def _remember_verified(request: HttpRequest, code: str) -> None:
    verified = list(request.session.get(SESSION_VERIFIED, []))
    if code not in verified:
        verified = [*verified[-19:], code]  # a shared computer keeps at most 20 codes open
    request.session[SESSION_VERIFIED] = verified


def _dossier_or_404(code: str) -> Dossier:
    dossier = queries.dossier_by_code((code or "").strip().upper())
    if dossier is None:
        raise Http404
    return dossier


def _details_or_404(request: HttpRequest, code: str) -> Dossier:
    """The dossier when the visitor may see its details; 404 otherwise (existence is not revealed)."""
    dossier = queries.dossier_by_code((code or "").strip().upper(), _visible(request))
    if dossier is None:
        raise Http404
    return dossier


def _actor(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


def _posted_version(request: HttpRequest) -> int:
    """The dossier version the page showed (hidden field); -1 when it is not a number, which the service refuses as
    a stale version (the page says the dossier changed) rather than a server error."""
    try:
        return int(request.POST.get("version") or 0)
    except ValueError:
        return -1


def _redirect_details(code: str, **params) -> HttpResponseRedirect:
    url = reverse("citizen:details", args=[code])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return HttpResponseRedirect(url)


def _describe(form: forms.Form) -> forms.Form:
    """Link each input to its hint and error (``aria-describedby``) and mark invalid ones (``aria-invalid``)."""
    for bound in form:
        ids = []
        if bound.help_text:
            ids.append(f"{bound.auto_id}-hint")
        if bound.errors:
            ids.append(f"{bound.auto_id}-error")
            bound.field.widget.attrs["aria-invalid"] = "true"
        if ids and not isinstance(bound.field.widget, forms.RadioSelect):
            bound.field.widget.attrs["aria-describedby"] = " ".join(ids)
    return form


def _upload_message(exc: Exception) -> str:
    rule = getattr(exc, "rule", "")
    messages = {
        "empty_file": _("The file is empty."),
        "file_too_large": _("The file is too large."),
        "type_not_allowed": _("This kind of file is not accepted: send a PDF or an image (JPEG, PNG, TIFF)."),
        "rejected_by_scanner": _("The file was refused by the security check."),
        "storage_full": "Hệ thống tạm thời không lưu được tệp vì bộ nhớ lưu trữ đã đầy. Hồ sơ chưa được nộp; "
                        "vui lòng thử lại sau ít phút hoặc liên hệ Bộ phận Một cửa.",
    }
    return str(messages.get(rule, str(exc)))


def _vnd(amount: int | None) -> str:
    if amount is None:
        return _("amount not stated")
    if amount == 0:
        return _("free of charge")
    return _("%(amount)s VND") % {"amount": f"{amount:,}".replace(",", ".")}


# Submit online -------------------------------------------------------------------------------------------------


class SubmissionForm(forms.Form):
    """Channel, receiving agency, applicant data and one file per required document of the procedure version."""

    channel = forms.ChoiceField(label=gettext_lazy("How you submit"), widget=forms.RadioSelect)
    agency = forms.CharField(label=gettext_lazy("Receiving agency"), max_length=40)
    kind = forms.ChoiceField(label=gettext_lazy("You are"), widget=forms.RadioSelect, initial="citizen",
                             choices=[("citizen", gettext_lazy("A citizen")),
                                      ("business", gettext_lazy("An organisation or business"))])
    full_name = forms.CharField(label=gettext_lazy("Full name (or organisation name)"), max_length=255)
    personal_id = forms.CharField(
        label=gettext_lazy("Personal identification number"), max_length=12, required=False,
        help_text=gettext_lazy("12 digits, on your chip-based citizen ID card."))
    enterprise_code = forms.CharField(
        label=gettext_lazy("Enterprise code"), max_length=14, required=False,
        help_text=gettext_lazy("10 digits (a branch: 10 digits, a hyphen and 3 digits). Businesses only."))
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=20, required=False,
                            help_text=gettext_lazy("To receive SMS about your dossier."))
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False,
                             error_messages={"invalid": gettext_lazy("Enter an e-mail address such as "
                                                                     "ten@example.vn.")})
    address = forms.CharField(label=gettext_lazy("Address"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=gettext_lazy("Note to the agency (optional)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, version, agency_choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        channels = queries.channels(version)
        labels = dict(ChannelKind.choices)
        seen: list[tuple[str, str]] = []
        for c in channels:
            if c.kind not in {k for k, _ in seen}:
                seen.append((c.kind, labels.get(c.kind, c.kind)))
        self.fields["channel"].choices = seen
        if any(k == ChannelKind.ONLINE for k, _ in seen):
            self.fields["channel"].initial = ChannelKind.ONLINE
        elif seen:
            self.fields["channel"].initial = seen[0][0]
        # Issue 14 point 1: the places that may receive this procedure, by name (never a code to type).
        self.fields["agency"] = forms.ChoiceField(
            label=gettext_lazy("Receiving agency"), choices=[("", "— Chọn nơi nộp hồ sơ —"), *agency_choices],
            error_messages={"required": "Chọn nơi nộp hồ sơ.", "invalid_choice": "Chọn nơi nộp hồ sơ trong danh "
                                                                                 "sách."})
        if not agency_choices:
            self.fields["agency"].help_text = "Chọn tỉnh, thành phố ở trên để xem các nơi tiếp nhận."
        for field in ("full_name",):
            self.fields[field].widget.attrs["autocomplete"] = "name"
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["personal_id"].widget.attrs.update(inputmode="numeric", pattern=r"\d{12}")
        # Issue 14 point 2: which case applies is asked once, then only that case's documents.
        case_documents.add_document_fields(self, version)

    def document_bound_fields(self):
        return [self[name] for name, _doc in self.document_fields]

    def applicant(self) -> dict:
        """The applicant as ``services.submit`` takes it, from the cleaned data."""
        data = self.cleaned_data
        applicant = {"kind": data["kind"], "full_name": data["full_name"], "phone": data["phone"],
                     "email": data["email"], "address": data["address"]}
        if data["kind"] == "citizen":
            applicant["personal_id"] = data["personal_id"]
        else:
            applicant.update(enterprise_code=data["enterprise_code"], personal_id=data["personal_id"])
        return applicant

    def form_data(self) -> dict:
        """The free-text part of the dossier (the applicant's note)."""
        return {"note": self.cleaned_data["note"]} if self.cleaned_data["note"] else {}

    def applicant_bound_fields(self):
        return [self[name] for name in ("full_name", "personal_id", "enterprise_code", "phone", "email", "address")]

    def clean_personal_id(self) -> str:
        # The whole rule of domain.md §4 (core.identifiers: province code, century/sex digit, birth year), as the
        # service applies it: the field shows the exact reason, not only "12 digits".
        value = self.cleaned_data["personal_id"].strip()
        if value and not PERSONAL_ID.match(value):
            raise forms.ValidationError(_("The personal identification number has exactly 12 digits."))
        if value and (problem := personal_id_error(value)):
            raise forms.ValidationError(problem)
        return value

    def clean_enterprise_code(self) -> str:
        value = self.cleaned_data["enterprise_code"].strip()
        if value and not ENTERPRISE_CODE.match(value):
            raise forms.ValidationError(_("The enterprise code has 10 digits, or 10 digits, a hyphen and 3 digits."))
        if value and (problem := enterprise_code_error(value)):
            raise forms.ValidationError(problem)
        return value

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        if value and not PHONE.match(value):
            raise forms.ValidationError(_("Enter a phone number such as 0912 345 678."))
        return value

    def clean_agency(self) -> str:
        value = self.cleaned_data["agency"].strip()
        if not queries.agency_exists(value):
            raise forms.ValidationError(_("No agency has this code."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("kind") == "citizen" and not data.get("personal_id") and "personal_id" not in self.errors:
            self.add_error("personal_id", _("A citizen gives the 12-digit personal identification number."))
        if data.get("kind") == "business" and not data.get("enterprise_code") and "enterprise_code" not in self.errors:
            self.add_error("enterprise_code", _("A business gives its enterprise code."))
        if not data.get("phone") and not data.get("email") and "phone" not in self.errors:
            self.add_error("phone", _("Give a phone number or an e-mail address, so that the agency can reach you."))
        case_documents.drop_unasked(self, data)
        return data


# Service error keys → form fields.
_SERVICE_FIELDS = {"applicant.kind": "kind", "applicant.personal_id": "personal_id",
                   "applicant.enterprise_code": "enterprise_code", "applicant.full_name": "full_name",
                   "applicant.phone": "phone", "applicant.email": "email", "channel": "channel", "agency": "agency"}


def _places(request: HttpRequest, version, address: str) -> places.Places:
    """Where this citizen may submit (``?tinh=`` chosen, else the province the address or the chosen desk names)."""
    chosen = request.GET.get("tinh") or request.POST.get("tinh") or ""
    province = int(chosen) if chosen.isdigit() else None
    agency = request.GET.get("agency", "")
    if province is None and agency.startswith("H") and agency[1:3].isdigit():
        province = int(agency[1:3])
    return places.receiving_places(version, timezone.now(), province=province, address=address)


def _initial_desk(request: HttpRequest, found: places.Places, version, address: str) -> str | None:
    codes = [code for code, _name in found.desks]
    wanted = request.GET.get("agency", "")
    if wanted in codes:
        return wanted
    # The body the catalog names, when it receives itself; otherwise the ward or commune of the address.
    for agency in places.competent_bodies(version):
        if agency.code in codes:
            return agency.code
    if (commune := places.commune_from_address(address, found.desks)) is not None:
        return commune
    return codes[0] if len(codes) == 1 else None


@dataclass(frozen=True)
class FeeLine:
    channel: str
    description: str
    amount: str


def _fees(version) -> list[FeeLine]:
    labels = dict(ChannelKind.choices)
    lines = []
    for channel in queries.channels(version, with_fees=True):
        for fee in channel.fees.all():
            lines.append(FeeLine(str(labels.get(channel.kind, channel.kind)), fee.description, _vnd(fee.amount_vnd)))
    return lines


def _check_own_identity(request: HttpRequest, applicant: dict) -> None:
    """Issue 12 point 12: online, a citizen applicant is the signed-in person — the personal ID is the verified one of
    the account's e-identification (``PersonLink``), never a number typed in the form. An account without one (an
    officer, an unverified account) does not submit online as a citizen."""
    from motcua.exchange.queries import personal_id_of

    if applicant.get("kind") != "citizen":
        return
    user = _actor(request)
    own = personal_id_of(user) if user is not None else None
    if not own:
        raise services.InvalidSubmission({"applicant.personal_id": str(_(
            "Nộp trực tuyến với tư cách công dân cần đăng nhập bằng tài khoản định danh điện tử (số định danh cá "
            "nhân gắn với tài khoản)."))})
    if applicant.get("personal_id") != own:
        raise services.InvalidSubmission({"applicant.personal_id": str(_(
            "Số định danh cá nhân phải là số của tài khoản định danh điện tử đang đăng nhập."))})


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, procedure_code: str) -> HttpResponse:
    """``/ho-so/nop/<procedure code>/``: the online submission form, and its submission."""
    procedure, version = queries.published_procedure(procedure_code)
    if version is None:
        raise Http404
    if not request.user.is_authenticated:
        # Issue 12 point 12: online submission takes the applicant's identity from the e-identification, so an
        # anonymous visitor signs in first (and comes back here); desk entry by an officer is another form.
        return redirect_to_login(request.get_full_path())
    from motcua.exchange.queries import personal_id_of

    initial = {"full_name": queries.person_name(request.user), "email": request.user.email}
    own_id = personal_id_of(request.user)
    if own_id:
        initial["personal_id"] = own_id
    # Once-only data (issue 4 points 2, 3, 7): the level a procedure requires, prefill, replaced and stored documents.
    once = once_only.prepare(request, version, procedure.code)
    if once.refusal:
        return render(request, "dossiers/citizen/level_required.html", {
            "procedure": procedure, "version": version, "message": once.refusal, "level": once.level,
            "required_level": once.required_level}, status=403)
    address = (once.locked.get("address") or {}).get("value", "") or request.POST.get("address", "")
    found = _places(request, version, address)
    agency_choices = found.choices()
    if (desk := _initial_desk(request, found, version, address)) is not None:
        initial["agency"] = desk
    initial[case_documents.CASE_FIELD] = request.GET.get(case_documents.CASE_FIELD, "")
    form = SubmissionForm(once_only.locked_data(request, once), request.FILES or None, version=version,
                          agency_choices=agency_choices, initial=initial)
    once_only.adapt(form, once)
    once_only.keep_fields(form, request.user)
    if own_id and "personal_id" in form.fields and not getattr(form.fields["personal_id"], "once_only_locked", False):
        form.fields["personal_id"].widget.attrs.update(readonly="readonly")
        form.fields["personal_id"].help_text = _("Số của tài khoản định danh điện tử đang đăng nhập.")
    if request.method == "POST" and form.is_valid() and once_only.ready(form, once, _actor(request), procedure.code):
        data = form.cleaned_data
        applicant, form_data = form.applicant(), form.form_data()
        papers = [services.Paper(name, data[name], doc.name, doc.pk) for name, doc in form.document_fields
                  if data.get(name)]
        try:
            _check_own_identity(request, applicant)
            dossier = services.submit_with_papers(
                procedure.code, data["agency"], data["channel"], applicant, form_data, papers,
                actor=_actor(request), role=Role.APPLICANT,
                before_papers=lambda dossier: once_only.complete(dossier, form, once, _actor(request)),
                after_papers=lambda dossier: once_only.keep_uploads(dossier, form, _actor(request)))
        except (services.UploadRejected, once_only.Refused) as exc:  # the once-only data, before the papers
            form.add_error(None, str(exc))
        except services.PapersRejected as rejected:
            for name, exc in rejected.errors.items():
                form.add_error(name, _upload_message(exc))
        except services.InvalidSubmission as exc:
            for key, message in exc.errors.items():
                form.add_error(_SERVICE_FIELDS.get(key), message)
        else:
            submitted = list(request.session.get(SESSION_SUBMITTED, []))[-19:]
            request.session[SESSION_SUBMITTED] = [*submitted, dossier.code]
            _remember_verified(request, dossier.code)
            return HttpResponseRedirect(reverse("citizen:submitted", args=[dossier.code]))
    return render(request, "dossiers/citizen/submit.html", {
        "procedure": procedure, "version": version, "form": _describe(form), "fees": _fees(version),
        "channels": queries.channels(version), "places": found,
        "case_field": case_documents.CASE_FIELD,
    }, status=400 if request.method == "POST" else 200)


def submitted(request: HttpRequest, code: str) -> HttpResponse:
    """The confirmation page after a submission, shown only in the session that submitted."""
    if code not in request.session.get(SESSION_SUBMITTED, []):
        raise Http404
    dossier = _dossier_or_404(code)
    return render(request, "dossiers/citizen/submitted.html", {"dossier": dossier, **_status(dossier)})


# Tracking ------------------------------------------------------------------------------------------------------


def _status(dossier: Dossier) -> dict:
    return {"status_name": STATUS_CODES[dossier.status_code].name, "status_code": dossier.status_code}


class VerifyForm(forms.Form):
    secret = forms.CharField(
        label=gettext_lazy("Personal ID number, enterprise code or phone number of the applicant"), max_length=20,
        help_text=gettext_lazy("As given when the dossier was submitted."))


def _matches(dossier: Dossier, secret: str) -> bool:
    secret = (secret or "").strip()
    if not secret:
        return False
    ids = {v for v in (dossier.applicant_personal_id, dossier.applicant_enterprise_code) if v}
    if secret in ids:
        return True
    phone = _digits_phone(dossier.applicant_phone)
    return bool(phone) and len(phone) >= 8 and _digits_phone(secret) == phone


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """``/ho-so/tra-cuu/?code=…``: the state and due date; details after the applicant's ID number or phone."""
    code = (request.GET.get("code") or request.POST.get("code") or "").strip().upper()
    context: dict = {"code": code, "verify_form": _describe(VerifyForm())}
    if not code:
        return render(request, "dossiers/citizen/track.html", context)
    if _too_many_attempts(request):
        context["too_many"] = True
        return render(request, "dossiers/citizen/track.html", context, status=429)
    dossier = queries.dossier_by_code(code)
    if dossier is None:
        _count_failed_attempt(request)
        context["not_found"] = True
        return render(request, "dossiers/citizen/track.html", context, status=404)
    if _may_see_details(request, dossier):
        return _redirect_details(dossier.code)
    if request.method == "POST":
        form = VerifyForm(request.POST)
        if form.is_valid() and _matches(dossier, form.cleaned_data["secret"]):
            request.session.cycle_key()  # a new session id once the visitor has proved who they are
            _remember_verified(request, dossier.code)
            return _redirect_details(dossier.code)
        _count_failed_attempt(request)
        if form.is_valid():
            form.add_error("secret", _("This does not match the applicant's data for this dossier."))
        context["verify_form"] = _describe(form)
    context.update(dossier=dossier, **_status(dossier))
    return render(request, "dossiers/citizen/track.html", context, status=400 if request.method == "POST" else 200)


# Plain-language timeline: what the applicant needs to know, not the agency's internal hand-overs.
_TIMELINE_TEXT = {
    "submit": gettext_lazy("The dossier was submitted."),
    "receive": gettext_lazy("The agency received the dossier and set the date for the result."),
    "request_supplement": gettext_lazy("The agency asked you to supplement the dossier."),
    "submit_supplement": gettext_lazy("The supplement was submitted."),
    "refuse": gettext_lazy("The agency refused the dossier."),
    "assign": gettext_lazy("The dossier was handed to an officer for handling."),
    "complete_step": gettext_lazy("A handling step was completed."),
    "consult": gettext_lazy("The agency asked another unit for its opinion."),
    "answer_consultation": gettext_lazy("The other unit gave its opinion."),
    "request_payment": gettext_lazy("The agency asked you to pay the fees."),
    "confirm_payment": gettext_lazy("The payment was confirmed."),
    "approve": gettext_lazy("The head of the agency approved the result."),
    "issue_result": gettext_lazy("The result is ready."),
    "return_result": gettext_lazy("The result was returned to you."),
    "withdraw": gettext_lazy("The dossier was withdrawn at the applicant's request."),
    "stop": gettext_lazy("Handling of the dossier was stopped."),
    "apologise": gettext_lazy("The agency apologised for the delay and set a new date for the result."),
    "upload_document": gettext_lazy("A document was added to the dossier."),
    "rate": gettext_lazy("The applicant rated the handling of the dossier."),
}
# Reasons shown to the applicant: those addressed to them. Internal notes of other actions stay internal.
_REASON_SHOWN = {"request_supplement", "refuse", "stop", "apologise", "withdraw"}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    text: str
    reason: str
    missing: list
    new_due_at: datetime | None


def _instant(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    return parse_datetime(value) if isinstance(value, str) and value else None


def _timeline(events: list[DossierEvent]) -> list[TimelineEntry]:
    entries = []
    for event in events:
        text = _TIMELINE_TEXT.get(event.action, event.action)
        entries.append(TimelineEntry(
            at=event.at, text=str(text), reason=event.reason if event.action in _REASON_SHOWN else "",
            missing=list(event.data.get("missing") or []) if event.action == "request_supplement" else [],
            new_due_at=_instant(event.data.get("new_due_at")) if event.action == "apologise" else None))
    return entries


def _documents(dossier: Dossier) -> list[DossierDocument]:
    return queries.documents(dossier)


def _result_documents(dossier: Dossier, documents: list) -> list:
    """The electronic result (``queries.result_document_ids``), shown once the result is issued or returned."""
    if State(dossier.state) not in RESULT_STATES:
        return []
    ids = queries.result_document_ids(dossier)
    return [d for d in documents if d.pk in ids]


def details(request: HttpRequest, code: str) -> HttpResponse:
    """``/ho-so/<code>/``: the applicant's view: state, due date, timeline, documents, result and actions."""
    dossier = _details_or_404(request, code)
    documents = _documents(dossier)
    results = _result_documents(dossier, documents)
    for document in results:  # the signature's verdict, shown with each result (issue 11 point 8)
        document.signature = digitisation.verification(document)
    state = State(dossier.state)
    can_rate = state is State.RETURNED and not dossier.rating
    return render(request, "dossiers/citizen/details.html", {
        "dossier": dossier, **_status(dossier), "timeline": _timeline(queries.timeline(dossier)),
        "documents": [d for d in documents if d not in results],
        "results": results,
        "can_supplement": state in SUPPLEMENT_STATES,
        "can_withdraw": "withdraw" in queries.actions_for(dossier, Role.APPLICANT),
        "can_amend": "amend" in queries.actions_for(dossier, Role.APPLICANT),
        "can_rate": can_rate, "rating": dossier.get_rating_display() if dossier.rating else "",
        "rating_criteria": _rating_criteria() if can_rate else [],
        "flash": request.GET.get("done", ""),
    })


@require_http_methods(["GET", "POST"])
def supplement(request: HttpRequest, code: str) -> HttpResponse:
    """``/ho-so/<code>/bo-sung/``: upload what the agency asked for and send the supplement."""
    dossier = _details_or_404(request, code)
    if State(dossier.state) not in SUPPLEMENT_STATES:
        return _redirect_details(dossier.code)
    errors: list[str] = []
    if request.method == "POST":
        files = [f for f in request.FILES.getlist("files") if f]
        missing = list(dossier.missing_items or [])
        named = []
        for index, item in enumerate(missing):
            upload = request.FILES.get(f"item_{index}")
            if upload:
                named.append((item, upload))
        if not named and not files:
            errors.append(_("Attach at least one file."))
        else:
            papers = [services.Paper(f"item_{index}", upload, item) for index, (item, upload) in enumerate(named)]
            papers += [services.Paper("files", upload, str(_("Supplement"))) for upload in files]
            try:
                services.supplement_with_papers(dossier.code, papers, actor=_actor(request),
                                  expected_version=_posted_version(request),
                                  note=request.POST.get("note", "")[:2000])
            except services.VersionConflict:
                errors.append(_("The dossier changed while you were on this page. Check it and try again."))
            except services.ActorNotAllowed:
                errors.append(_("Sign in with the account that submitted this dossier to answer."))
            except services.TransitionNotAllowed:
                return _redirect_details(dossier.code)
            except services.UploadRejected as exc:
                errors.append(_upload_message(exc))
            else:
                return _redirect_details(dossier.code, done="supplement")
        dossier = _dossier_or_404(dossier.code)  # as it is now
    return render(request, "dossiers/citizen/supplement.html", {
        "dossier": dossier, "missing": list(enumerate(dossier.missing_items or [])), "errors": errors,
        **_status(dossier)}, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    """``/ho-so/<code>/rut/``: a confirmation page, then the withdrawal (POST with the box ticked)."""
    dossier = _details_or_404(request, code)
    if "withdraw" not in queries.actions_for(dossier, Role.APPLICANT):
        return _redirect_details(dossier.code)
    errors: list[str] = []
    if not _is_signed_in_applicant(request, dossier):
        # Issue 12 point 13: a dossier code and a phone number (or the session that submitted) open the details,
        # but withdrawing needs the applicant's authentication — or the desk, acting for them.
        return render(request, "dossiers/citizen/withdraw.html", {
            "dossier": dossier, "sign_in_required": True, **_status(dossier),
            "errors": [_("Để rút hồ sơ, hãy đăng nhập bằng tài khoản định danh điện tử của người nộp hồ sơ, hoặc "
                         "đến bộ phận một cửa.")]}, status=403)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            errors.append(_("Tick the box to confirm that you withdraw the dossier."))
        else:
            try:
                services.act(dossier.code, "withdraw", actor=_actor(request), role=Role.APPLICANT,
                             expected_version=_posted_version(request),
                             reason=request.POST.get("reason", "")[:2000])
            except services.VersionConflict:
                errors.append(_("The dossier changed while you were on this page. Check it and try again."))
            except services.ActorNotAllowed:
                errors.append(_("Sign in with the account that submitted this dossier to withdraw it."))
            except services.TransitionNotAllowed:
                return _redirect_details(dossier.code)
            else:
                return _redirect_details(dossier.code, done="withdrawn")
        dossier = _dossier_or_404(dossier.code)  # as it is now
    return render(request, "dossiers/citizen/withdraw.html", {"dossier": dossier, "errors": errors,
                                                               **_status(dossier)},
                  status=400 if errors else 200)


AMEND_NOTE = "noi_dung_dieu_chinh"


@require_http_methods(["GET", "POST"])
def amend(request: HttpRequest, code: str) -> HttpResponse:
    """``/ho-so/<code>/dieu-chinh/``: an online applicant amends the dossier's content until the decision (Decree
    118/2025 Art. 21(2)); each amendment is a versioned event the officer sees. Signed-in applicant only."""
    dossier = _details_or_404(request, code)
    if "amend" not in queries.actions_for(dossier, Role.APPLICANT):
        return _redirect_details(dossier.code)
    if not _is_signed_in_applicant(request, dossier):
        return render(request, "dossiers/citizen/amend.html", {
            "dossier": dossier, "sign_in_required": True, **_status(dossier),
            "errors": ["Để điều chỉnh hồ sơ, hãy đăng nhập bằng tài khoản của người nộp hồ sơ."]}, status=403)
    current = {str(k): v for k, v in (dossier.form_data or {}).items() if not isinstance(v, dict | list)}
    fields = [(key, "" if value is None else str(value)) for key, value in current.items() if key != AMEND_NOTE]
    errors: list[str] = []
    if request.method == "POST":
        new = {key: request.POST.get(f"field_{key}", value)[:5000] for key, value in fields}
        note = request.POST.get("note", "").strip()[:5000]
        if note:
            new[AMEND_NOTE] = note
        try:
            services.act(dossier.code, "amend", actor=_actor(request), role=Role.APPLICANT,
                         expected_version=_posted_version(request), data={"form_data": new})
        except services.VersionConflict:
            errors.append(_("The dossier changed while you were on this page. Check it and try again."))
        except services.ActorNotAllowed:
            errors.append("Chỉ người nộp hồ sơ được điều chỉnh hồ sơ.")
        except services.TransitionNotAllowed:
            return _redirect_details(dossier.code)
        except (services.RuleViolation, services.ActionDataInvalid) as refused:
            errors.append(str(refused))
        else:
            return _redirect_details(dossier.code, done="amended")
        dossier = _dossier_or_404(dossier.code)  # as it is now
    return render(request, "dossiers/citizen/amend.html", {"dossier": dossier, "fields": fields, "errors": errors,
                                                            **_status(dossier)},
                  status=400 if errors else 200)


def _nosniff(response: FileResponse) -> FileResponse:
    response["X-Content-Type-Options"] = "nosniff"
    return response


def result(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    """``/ho-so/<code>/ket-qua/<id>/``: download an electronic result document."""
    dossier = _details_or_404(request, code)
    for document in _result_documents(dossier, _documents(dossier)):
        if document.pk == document_id:
            if document.signed_file:  # the signed PDF is the electronic result (Decree 118/2025 Art. 22(1), (4))
                return _nosniff(FileResponse(document.signed_file.open("rb"), as_attachment=True,
                                             filename=digitisation.signed_filename(document),
                                             content_type="application/pdf"))
            # Issue 12 point 14: the name's extension is the sniffed type's; the browser does not sniff.
            return _nosniff(FileResponse(document.file.open("rb"), as_attachment=True,
                                         filename=documents.name_for_type(document.filename, document.content_type),
                                         content_type=document.content_type))
    raise Http404


def _rating_criteria() -> list[dict]:
    """The questions of Decree 118/2025 Art. 33(1)(a)–(h) for the rating form, with their answers."""
    return rating.questions()


@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    """``/ho-so/<code>/danh-gia/``: satisfied or not, with the answers to Decree 118/2025 Art. 33(1)(a)–(i), once,
    after the result is returned."""
    dossier = _details_or_404(request, code)
    choice = request.POST.get("satisfied")
    if choice not in ("yes", "no"):
        return _redirect_details(dossier.code)
    answers = {name: request.POST.get(name, "") for name in (*rating.FIELDS, "extra_costs", "other")}
    try:
        rating.record(dossier.code, choice == "yes", answers, actor=_actor(request))
    except rating.BadEvaluation:
        return _redirect_details(dossier.code, done="not_rated")
    except (services.RuleViolation, services.ActorNotAllowed):
        # Already rated, not returned yet, or not the signed-in applicant: the page shows where it stands.
        return _redirect_details(dossier.code, done="not_rated")
    return _redirect_details(dossier.code, done="rated")
