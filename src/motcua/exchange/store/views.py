"""The citizen's personal data store at ``/du-lieu-cua-toi/kho/``: the items (results issued by motcua and files the
citizen kept), keeping a new file, downloading and removing one."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.files import name_for_type

from . import queries, services
from .models import StoreItem

MESSAGES = {
    "empty_file": gettext_lazy("Tệp rỗng."),
    "file_too_large": gettext_lazy("Tệp quá lớn."),
    "type_not_allowed": gettext_lazy("Chỉ nhận tệp PDF hoặc ảnh (JPEG, PNG, TIFF)."),
    "title_required": gettext_lazy("Hãy đặt tên cho giấy tờ."),
}


class KeepForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Tên giấy tờ"), max_length=500,
                            help_text=gettext_lazy("Ví dụ: Giấy khai sinh, Phiếu lý lịch tư pháp."))
    file = forms.FileField(label=gettext_lazy("Tệp (PDF hoặc ảnh)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.tif,.tiff"}))


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    form = KeepForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.keep_upload(request.user, form.cleaned_data["file"], form.cleaned_data["title"])
        except services.StoreError as error:
            form.add_error("file" if error.rule != "title_required" else "title", str(MESSAGES.get(error.rule, error)))
        else:
            return HttpResponseRedirect(reverse("exchange_store:index") + "?done=kept")
    return render(request, "exchange_store/index.html", {
        "items": list(queries.items_of(request.user)), "form": form, "flash": request.GET.get("done", "")},
        status=400 if request.method == "POST" else 200)


def _item(request: HttpRequest, item_id: int) -> StoreItem:
    item = queries.items_of(request.user).filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


@login_required
def download(request: HttpRequest, item_id: int) -> FileResponse:
    item = _item(request, item_id)
    response = FileResponse(item.file.open("rb"), as_attachment=True, content_type=item.content_type,
                            filename=name_for_type(item.filename or "tai-lieu", item.content_type))
    response["X-Content-Type-Options"] = "nosniff"  # issue 12 point 14
    return response


@login_required
@require_POST
def remove(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        services.remove(request.user, item_id)
    except services.StoreError as error:
        raise Http404 from error
    return HttpResponseRedirect(reverse("exchange_store:index") + "?done=removed")

