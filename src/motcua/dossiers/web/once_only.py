"""Once-only data in the citizen's online submission (issue 4 points 2, 3, 7, 11), kept beside the submission view:

- **identity level** — a procedure whose documents registry data replaces requires a VNeID level-2 session
  (:mod:`motcua.identity.rules`); others accept any visitor. A refused visitor gets a clear page, nothing submitted;
- **prefill** — an e-identified citizen's applicant fields come from the base registries
  (:func:`motcua.exchange.services.prefill`) and are locked, each with its source; a registry that does not answer
  leaves its field open with a message;
- **documents replaced by data** — a required document that a registry holds is not asked for: at submission the
  registry is read (purpose-bound, logged) and the extract attached as evidence with its provenance. When the registry
  is down the form says so and asks for the upload instead; nothing typed is lost;
- **personal data store** — a document the citizen's store holds is offered instead of an upload; uploads can be kept.

The view calls :func:`prepare` (before building the form), :func:`adapt` (after), :func:`validate` (after
``is_valid``), :func:`fetch_replacements` (before the submission's transaction) and :func:`complete` (inside it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.models import RequiredDocument

from .. import evidence, queries
from ..models import Dossier

SESSION_PREFILL = "motcua_prefill"


class Refused(Exception):
    """A chosen store item can no longer be used (removed meanwhile, not the kind asked for); the message says so."""
# Prefill fields (exchange.rules.PREFILL_FIELDS) → the submission form's fields.
FORM_FIELDS = {"applicant_name": "full_name", "applicant_personal_id": "personal_id", "applicant_address": "address"}
APPLICANT_FIELDS = ("full_name", "personal_id", "phone", "email", "address")
FIELD_LABELS = {"full_name": gettext_lazy("Họ và tên"), "personal_id": gettext_lazy("Số định danh cá nhân"),
                "address": gettext_lazy("Địa chỉ")}


@dataclass
class Replacement:
    """A required document that registry data replaces."""

    document: RequiredDocument
    registry: str
    registry_label: str
    attributes: tuple[str, ...]
    result: Any = None  # exchange.services.RegistryResult once fetched
    error: str = ""


@dataclass
class OnceOnly:
    level: int = 0
    required_level: int = 1
    refusal: str = ""
    personal_id: str = ""
    prefill: dict[str, dict] = field(default_factory=dict)
    prefill_error: str = ""
    locked: dict[str, dict] = field(default_factory=dict)  # form field → {value, source}
    extra: list[dict] = field(default_factory=list)  # other prefilled data shown read-only
    replacements: dict[int, Replacement] = field(default_factory=dict)  # required document id →
    offers: dict[int, list] = field(default_factory=dict)  # required document id → store items

    @property
    def prefilled_fields(self) -> dict[str, dict]:
        return {name: {"registry": v.get("registry", ""), "source": v.get("source", ""),
                       "label": str(FIELD_LABELS.get(name, name)), "fetched_at": _local(v.get("fetched_at"))}
                for name, v in self.locked.items()}


def _registry_label(name: str) -> str:
    from motcua.exchange.registries import SPECS

    spec = SPECS.get(name)
    return spec.label if spec else name


def prepare(request: HttpRequest, version, procedure_code: str) -> OnceOnly:
    """The level check, the prefill (from the session when this form was already shown) and the documents that
    registry data or the citizen's store can stand for."""
    from motcua.exchange import services as exchange
    from motcua.exchange.errors import ExchangeError
    from motcua.exchange.queries import personal_id_of
    from motcua.exchange.store import queries as store_queries
    from motcua.exchange.store import rules as store_rules
    from motcua.identity import queries as identity

    ctx = OnceOnly()
    ctx.level = identity.session_level(request)
    ctx.required_level = identity.required_level(version.pk)
    ctx.refusal = identity.level_refusal(ctx.required_level, ctx.level)
    documents = queries.required_documents(version)
    user = request.user if request.user.is_authenticated else None
    for doc in documents:
        kind = store_rules.evidence_kind(doc.name)
        if doc.replaceable_by_registry and kind is not None and kind.registry:
            ctx.replacements[doc.pk] = Replacement(doc, kind.registry, _registry_label(kind.registry),
                                                   kind.attributes)
    if user is None:
        return ctx
    ctx.offers = {pk: items for pk, items in store_queries.offers(user, documents).items()
                  if pk not in ctx.replacements}
    if ctx.refusal or ctx.level < 1:
        return ctx  # only an e-identified session is prefilled
    ctx.personal_id = personal_id_of(user) or ""
    stored = request.session.get(SESSION_PREFILL) or {}
    if request.method == "POST" and stored.get("procedure") == procedure_code and stored.get("user") == user.pk:
        ctx.prefill = stored["fields"]
    else:
        try:
            ctx.prefill = exchange.prefill(user, procedure_code)
        except ExchangeError as error:
            ctx.prefill_error = str(error)
        request.session[SESSION_PREFILL] = {"procedure": procedure_code, "user": user.pk,
                                            "fields": _jsonable(ctx.prefill)}
    for name, entry in ctx.prefill.items():
        value = entry.get("value")
        target = FORM_FIELDS.get(name)
        if value in (None, ""):
            continue
        if target:
            ctx.locked[target] = {"value": str(value), "source": entry.get("source", ""),
                                  "registry": entry.get("registry", ""), "fetched_at": entry.get("fetched_at")}
        elif not isinstance(value, dict | list):
            ctx.extra.append({"name": name, "label": _attribute_label(entry), "value": _display(value),
                              "source": entry.get("source", "")})
    return ctx


def _local(moment):
    """A fetch time (datetime or ISO text) in the local time zone, as the pages show times."""
    if isinstance(moment, str):
        moment = parse_datetime(moment)
    return timezone.localtime(moment) if moment is not None and timezone.is_aware(moment) else moment


def _attribute_label(entry: dict) -> str:
    """The registry's Vietnamese label of a prefilled attribute (e.g. "Ngày, tháng, năm sinh")."""
    from motcua.exchange.registries import SPECS

    spec = SPECS.get(entry.get("registry", ""))
    return spec.attributes.get(entry.get("attribute", ""), entry.get("attribute", "")) if spec else ""


_VALUES = {"male": "Nam", "female": "Nữ"}


def _display(value) -> str:
    """A registry value as the page shows it: "Nam"/"Nữ", dates dd/mm/yyyy (issue 14 point 4: not 1990-03-12)."""
    import datetime as dt

    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f"{text[8:10]}/{text[5:7]}/{text[:4]}"
    return _VALUES.get(text, text)


def _jsonable(fields: dict) -> dict:
    """The prefill as the session stores it (dates as ISO text)."""
    return json.loads(json.dumps(fields, cls=DjangoJSONEncoder))


def locked_data(request: HttpRequest, ctx: OnceOnly):
    """The POST data with the locked fields set to the registry values (a locked field cannot be typed over)."""
    if request.method != "POST" or not ctx.locked:
        return request.POST or None
    data = request.POST.copy()
    if data.get("kind", "citizen") == "citizen":
        for name, entry in ctx.locked.items():
            data[name] = entry["value"]
    return data


def adapt(form: forms.Form, ctx: OnceOnly) -> None:
    """Lock the prefilled fields (read-only, their source as the hint), make replaced and offered documents optional
    (an upload still wins), and add the store choices and the "keep in my store" boxes."""
    for name, entry in ctx.locked.items():
        if name in form.fields:
            bound = form.fields[name]
            bound.initial = form.initial[name] = entry["value"]
            bound.widget.attrs.update(readonly="readonly", **{"data-source": entry["source"]})
            bound.help_text = _("Lấy từ %(source)s — đã khóa.") % {"source": entry["source"]}
            bound.once_only_locked = True
    for name, doc in getattr(form, "document_fields", []):
        bound = form.fields[name]
        replacement = ctx.replacements.get(doc.pk)
        if replacement is not None:
            bound.required = False
            if replacement.error:
                bound.help_text = replacement.error
            else:
                bound.help_text = _("Không cần nộp: cơ quan lấy dữ liệu từ %(source)s. Chỉ tải lên nếu dữ liệu "
                                    "không đúng.") % {"source": replacement.registry_label}
            bound.once_only = {"replaced": replacement}
            continue
        items = ctx.offers.get(doc.pk)
        if items:
            field_name = f"store_{doc.pk}"
            form.fields[field_name] = forms.TypedChoiceField(
                label=_("%(document)s: dùng giấy tờ trong kho dữ liệu cá nhân") % {"document": doc.name[:200]},
                required=False, coerce=int, empty_value=None,
                choices=[("", _("Không, tôi tải lên tệp"))] + [
                    (item.pk, f"{item.title} ({item.get_source_display()}, {item.added_at:%d/%m/%Y})")
                    for item in items],
                initial=items[0].pk, widget=forms.RadioSelect)
            bound.once_only = {"store_field": field_name}
            bound.store_required = bound.required
            bound.required = False
    form.once_only = ctx


def keep_fields(form: forms.Form, user) -> None:
    """A "keep this file in my store" box under each upload, for a signed-in citizen."""
    if user is None or not user.is_authenticated:
        return
    for name, doc in getattr(form, "document_fields", []):
        box = f"keep_{doc.pk}"
        form.fields[box] = forms.BooleanField(label=_("Lưu tệp này vào kho dữ liệu cá nhân"), required=False)
        info = getattr(form.fields[name], "once_only", None) or {}
        form.fields[name].once_only = {**info, "keep_field": box}


def ready(form: forms.Form, ctx: OnceOnly, user, procedure_code: str) -> bool:
    """After ``form.is_valid()``: the documents' rules, then the registry reads. False when the form has errors."""
    validate(form, ctx)
    if form.errors:
        return False
    return fetch_replacements(form, ctx, user, procedure_code)


def validate(form: forms.Form, ctx: OnceOnly) -> None:
    """A required document needs an upload or a store item; a replaced one whose registry did not answer needs the
    upload."""
    data = form.cleaned_data
    for name, doc in getattr(form, "document_fields", []):
        bound = form.fields[name]
        if getattr(bound, "store_required", False) and not data.get(name) and not data.get(f"store_{doc.pk}"):
            form.add_error(name, _("Tải lên giấy tờ này hoặc chọn một giấy tờ trong kho."))
        replacement = ctx.replacements.get(doc.pk)
        if replacement is not None and replacement.error and not data.get(name) and not doc.case:
            form.add_error(name, replacement.error)


def fetch_replacements(form: forms.Form, ctx: OnceOnly, user, procedure_code: str) -> bool:
    """Read, before the submission, the registry data that replaces each document not uploaded. Returns False when a
    registry did not answer: the form then asks for those uploads (with the reason) and nothing is submitted.

    Outside the submission's transaction on purpose: each call's access-log entry stays even if the submission is
    then refused (exchange.services.fetch)."""
    from motcua.exchange import services as exchange
    from motcua.exchange.errors import ExchangeError
    from motcua.exchange.rules import clip_words

    data = form.cleaned_data
    missing = False
    for name, doc in getattr(form, "document_fields", []):
        replacement = ctx.replacements.get(doc.pk)
        if replacement is None or data.get(name):
            continue
        if not ctx.personal_id or data.get("kind") != "citizen":
            if not doc.case:
                replacement.error = _("Hãy tải lên giấy tờ này: chỉ người nộp đã định danh điện tử mới được thay "
                                      "giấy tờ bằng dữ liệu.")
                form.add_error(name, replacement.error)
                missing = True
            continue
        try:
            replacement.result = exchange.fetch(
                replacement.registry, ctx.personal_id, attributes=replacement.attributes, actor=user,
                role="citizen", purpose=_("Thay thế giấy tờ “%(document)s” khi nộp hồ sơ thủ tục %(code)s")
                % {"document": clip_words(doc.name, 200), "code": procedure_code}, procedure_code=procedure_code)
        except ExchangeError as error:
            replacement.error = _("Không lấy được dữ liệu từ %(source)s (%(reason)s). Hãy tải lên bản giấy tờ này "
                                  "để nộp hồ sơ ngay; thông tin bạn đã nhập vẫn được giữ, chỉ cần chọn lại các tệp.") \
                % {"source": replacement.registry_label, "reason": error}
            form.add_error(name, replacement.error)
            missing = True
    return not missing


def complete(dossier: Dossier, form: forms.Form, ctx: OnceOnly, user) -> None:
    """Inside the submission's transaction: record the level and the prefilled fields, attach the registry extracts,
    reuse the chosen store items and keep the uploads the citizen asked to keep."""
    from motcua.exchange.store import rules as store_rules

    from .. import personal_store as store

    data = form.cleaned_data
    citizen = data.get("kind") == "citizen"
    evidence.record_sources(dossier.code, identity_level=ctx.level if user is not None else 0,
                            prefill={"fields": ctx.prefilled_fields if citizen else {},
                                     "applicant_fields": len(APPLICANT_FIELDS)})
    for name, doc in getattr(form, "document_fields", []):
        replacement = ctx.replacements.get(doc.pk)
        if replacement is not None and replacement.result is not None and not data.get(name):
            result = replacement.result
            from motcua.exchange.registries import SPECS

            spec = SPECS[result.registry]
            proof = evidence.registry_extract(
                registry=result.registry, label=result.source, authority=result.authority,
                identifier=result.identifier, fields=result.values, labels=dict(spec.attributes),
                fetched_at=result.fetched_at, document_name=doc.name,
                population=store_rules.replaced_by_population_data(result.registry))
            proof.provenance["access_log_entry"] = result.log_entry_id
            evidence.attach(dossier.code, proof, required_document=doc.pk, actor=None, role="system")
        item_id = data.get(f"store_{doc.pk}")
        if item_id and not data.get(name) and user is not None:
            try:
                store.reuse(user, item_id, dossier.code, doc.pk)
            except store.StoreError as error:
                raise Refused(_("Không dùng được giấy tờ đã chọn trong kho cho “%(document)s”: %(reason)s Hãy "
                                "chọn lại hoặc tải tệp lên.") % {"document": doc.name, "reason": error}) from error


def keep_uploads(dossier: Dossier, form: forms.Form, user) -> None:
    """Keep in the citizen's store the uploads whose box was ticked."""
    from .. import personal_store as store

    if user is None:
        return
    data = form.cleaned_data
    wanted = {doc.pk for _name, doc in getattr(form, "document_fields", []) if data.get(f"keep_{doc.pk}")}
    if not wanted:
        return
    for document in dossier.documents.filter(required_document_id__in=wanted, kind="upload"):
        store.keep_dossier_document(user, document)
