"""The online form's document fields (issue 14 point 2), built from the procedure's required documents: which case
applies is asked once ("Trường hợp của bạn là …?", :mod:`document_cases` decides the answers), and only that case's
documents are asked. Kept out of the view so that the view stays a thin page.

Progressive enhancement: every document is in the page; those of another case carry ``hidden``. Without JavaScript
the case is chosen in a small GET form and the page re-renders with that case's documents; with JavaScript
(``dossiers/case-question.js``) the same choice filters the documents in place. Whatever the browser shows, the
server asks and keeps only the documents of the case, channel and authorisation the applicant gave.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.dossiers import queries
from motcua.dossiers.web import document_layout as layout
from motcua.dossiers.web.document_cases import Layout, document_cases

CASE_FIELD = "truong_hop"
AUTHORISED_FIELD = "uy_quyen"


def chosen_case(form: forms.Form, cases: Layout) -> str:
    """The answer given: the POST's hidden field, else the page's ``?truong_hop=`` (the initial value); ``""``
    when none or an unknown one."""
    value = form.data.get(CASE_FIELD, "") if form.is_bound else form.initial.get(CASE_FIELD, "")
    return value if any(c.key == value for c in cases.cases) else ""


def add_document_fields(form: forms.Form, version) -> None:
    """One file field per document asked online, the notes apart, and the case and authorisation questions."""
    form.document_fields = []
    form.notes = []
    form.agency_notes = []
    required_documents = queries.required_documents(version)
    form.cases = cases = document_cases(required_documents, version.name)
    form.case = chosen_case(form, cases)
    names = [doc.name for doc in required_documents]
    for position, doc in enumerate(required_documents):
        # Notes are notes, a heading is no case, one declaration per channel.
        if layout.is_note(doc.name, doc.case) or position in cases.notes:
            form.notes.append(layout.clean(doc.name))
            continue
        if position in cases.agency_asks:
            form.agency_notes.append(layout.clean(doc.name))
            continue
        name = f"document_{doc.pk}"
        case_of = cases.case_of(position)
        only = cases.channel.get(position) or layout.channel_only(doc.name, names)
        authorised = position in cases.authorised
        # Documents listed under a heading (a part of the dossier, or a case) or asked only for a channel, on an
        # authorisation or of one case, and papers registry data replaces (Decree 118/2025 Art. 5(1)(i), 17(1)(b))
        # cannot be demanded of every applicant. The one document of the case chosen can.
        if case_of is not None:
            required = case_of.key == form.case and len(case_of.documents) == 1 and not doc.replaceable_by_registry
        else:
            required = not (doc.case or only or authorised or doc.replaceable_by_registry)
        help_parts = []
        if (part := layout.case_label(doc.case)) and case_of is None and not authorised:
            help_parts.append(_("Only in the case: %(case)s") % {"case": part})
        if doc.form:
            help_parts.append(_("Form: %(form)s") % {"form": layout.clean(doc.form)})
        form.fields[name] = forms.FileField(
            label=layout.clean(doc.name) or doc.name, required=required, help_text=" ".join(help_parts),
            widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.tif,.tiff"}),
            error_messages={"required": gettext_lazy("Attach this document.")})
        form.fields[name].layout = {"channel": only, "authorised": authorised,
                                    "case_key": case_of.key if case_of else "",
                                    "hidden": case_of is not None and case_of.key != form.case}
        form.document_fields.append((name, doc))
    if cases.cases:
        form.fields[CASE_FIELD] = forms.ChoiceField(
            label="Trường hợp của bạn", choices=[(c.key, c.label) for c in cases.cases],
            widget=forms.HiddenInput(attrs={"id": "truong-hop-value"}),
            error_messages={"required": "Chọn trường hợp của bạn để biết cần nộp những giấy tờ nào.",
                            "invalid_choice": "Chọn trường hợp của bạn trong danh sách."})
        form.initial[CASE_FIELD] = form.case
    if cases.authorised:
        form.fields[AUTHORISED_FIELD] = forms.BooleanField(
            label="Tôi nộp hồ sơ thay người khác, theo văn bản ủy quyền", required=False)


def asked(form: forms.Form, name: str, data: dict) -> bool:
    """Whether the applicant's answers (case, channel, authorisation) ask the document field ``name``."""
    spec = form.fields[name].layout
    if spec["case_key"] and spec["case_key"] != data.get(CASE_FIELD, form.case):
        return False
    if spec["authorised"] and not data.get(AUTHORISED_FIELD):
        return False
    channel = data.get("channel", "")
    return {"paper": channel in ("in_person", "postal"), "online": channel == "online", "postal": channel == "postal",
            "in_person": channel == "in_person", "": True}.get(spec["channel"], True)


def drop_unasked(form: forms.Form, data: dict) -> None:
    """Forget a file sent for a document not asked (another case, channel, no authorisation): it is not stored."""
    for name, _doc in form.document_fields:
        if name in data and not asked(form, name, data):
            data[name] = None
            form.errors.pop(name, None)
