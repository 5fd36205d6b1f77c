"""Web forms of the PAKN pages. They only parse; :mod:`.services` validates the rules and writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Classification, Kind, Rating, RefusalGround, Topic
from .rules import LIMITS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class SubmitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=Kind.choices, widget=forms.RadioSelect, initial=Kind.REPORT)
    topic = forms.ChoiceField(label=_("Nội dung phản ánh, kiến nghị về"), choices=Topic.choices,
                              widget=forms.RadioSelect, initial=Topic.PROCEDURE)
    procedure_code = forms.CharField(label=_("Mã thủ tục hành chính"), required=False, max_length=40,
                                     help_text=_("Tìm thủ tục ở ô tìm kiếm phía trên rồi chọn, hoặc nhập mã."))
    regulation = forms.CharField(label=_("Quy định hành chính (tên, số hiệu văn bản)"), required=False,
                                 max_length=LIMITS["regulation"])
    officer_name = forms.CharField(label=_("Cán bộ, công chức liên quan"), required=False,
                                   max_length=LIMITS["officer_name"])
    dossier_code = forms.CharField(label=_("Mã hồ sơ liên quan (nếu có)"), required=False, max_length=80)
    agency_code = forms.ChoiceField(label=_("Cơ quan tiếp nhận"), required=False,
                                    help_text=_("Để trống: cơ quan có thẩm quyền của thủ tục, hoặc Văn phòng Chính "
                                                "phủ."))
    title = forms.CharField(label=_("Tiêu đề"), max_length=LIMITS["title"])
    content = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 6}),
                              max_length=LIMITS["content"])
    proposal = forms.CharField(label=_("Đề xuất giải pháp (với kiến nghị)"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}), max_length=LIMITS["proposal"])
    name = forms.CharField(label=_("Họ và tên"), max_length=LIMITS["name"])
    phone = forms.CharField(label=_("Số điện thoại"), required=False, max_length=20)
    email = forms.CharField(label=_("Thư điện tử"), required=False, max_length=254)
    address = forms.CharField(label=_("Địa chỉ liên hệ"), required=False, max_length=LIMITS["address"])
    attachments = MultipleFileField(label=_("Tệp đính kèm (PDF, JPEG, PNG, DOCX)"), required=False)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency_code"].choices = [("", "—")] + [(a.code, a.name) for a in agencies]


class PhoneEntryForm(SubmitForm):
    channel = forms.ChoiceField(label=_("Kênh tiếp nhận"), choices=[("phone", _("Điện thoại")),
                                                                    ("written", _("Văn bản"))], initial="phone")


class ClassifyForm(forms.Form):
    classification = forms.ChoiceField(label=_("Phân loại"), choices=[
        (Classification.IN_COMPETENCE, Classification.IN_COMPETENCE.label),
        (Classification.CONDUCT, Classification.CONDUCT.label)], widget=forms.RadioSelect)


class RefuseForm(forms.Form):
    ground = forms.ChoiceField(label=_("Lý do không tiếp nhận"), choices=RefusalGround.choices)
    reason = forms.CharField(label=_("Giải thích cho người gửi"), required=False,
                             help_text=_("Để trống với khiếu nại, tố cáo: hệ thống ghi hướng dẫn theo luật."),
                             widget=forms.Textarea(attrs={"rows": 3}), max_length=LIMITS["reason"])


class ForwardForm(forms.Form):
    agency_code = forms.ChoiceField(label=_("Chuyển đến cơ quan"))
    classification = forms.ChoiceField(label=_("Phân loại"), choices=[
        (Classification.OUTSIDE_COMPETENCE, Classification.OUTSIDE_COMPETENCE.label),
        (Classification.CONDUCT, Classification.CONDUCT.label)])
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=LIMITS["reason"])

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency_code"].choices = [(a.code, f"{a.code} — {a.name}") for a in agencies]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}), max_length=LIMITS["reason"])


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Nội dung trả lời"), widget=forms.Textarea(attrs={"rows": 8}),
                             max_length=LIMITS["answer"])
    public_title = forms.CharField(label=_("Tiêu đề công khai"), required=False, max_length=255)
    public_content = forms.CharField(label=_("Nội dung công khai của câu hỏi"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 4}), max_length=LIMITS["content"],
                                     help_text=_("Thông tin cá nhân (họ tên, điện thoại, thư điện tử, số định danh) "
                                                 "luôn được ẩn."))


class RateForm(forms.Form):
    rating = forms.ChoiceField(label=_("Đánh giá"), choices=Rating.choices, widget=forms.RadioSelect)


class RecomplainForm(forms.Form):
    content = forms.CharField(label=_("Vì sao Quý vị chưa hài lòng"), widget=forms.Textarea(attrs={"rows": 4}),
                              max_length=LIMITS["content"])


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Mã phản ánh, kiến nghị"), max_length=32)
    contact = forms.CharField(label=_("Số điện thoại hoặc thư điện tử đã khai"), max_length=254)
