"""Formatting for the portal's templates: money in VND, time limits with translated units, dates.

Formatting follows the active language: ``50.000 đ`` and ``5 ngày làm việc`` in Vietnamese, ``50,000 VND`` and
``5 working days`` in English.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, ngettext

from motcua.catalog.models import Channel, Level, TimeUnit

register = template.Library()


def _vietnamese() -> bool:
    return (get_language() or "vi").startswith("vi")


def _group(n: int) -> str:
    text = f"{n:,}"
    return text.replace(",", ".") if _vietnamese() else text


@register.filter
def vn_number(value: int | float | Decimal | None) -> str:
    """A count with thousands separators: ``1399`` → ``1.399`` (Vietnamese) or ``1,399`` (English)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)  # not a number ("—"): shown as it is
    return _group(int(number.to_integral_value()))


@register.filter
def vnd(amount: int | None) -> str:
    """``50000`` → ``50.000 đ`` (Vietnamese) or ``50,000 VND`` (English); empty when unknown."""
    if amount is None:
        return ""
    return f"{_group(int(amount))} đ" if _vietnamese() else f"{_group(int(amount))} VND"


def _amount(value: Decimal) -> str:
    if value == value.to_integral_value():
        return _group(int(value))
    text = format(value.normalize(), "f")
    return text.replace(".", ",") if _vietnamese() else text


def _plural_count(value: Decimal) -> int:
    # Fractions read as plural in English ("0.5 working days"); Vietnamese has one form.
    return int(value) if value == value.to_integral_value() else 2


@register.filter
def time_limit(channel: Channel) -> SafeString:
    """A channel's time limit as words: amount and translated unit, or "not specified".

    For a unit the importer could not recognise, the amount is followed by the source's words verbatim.
    """
    unit, amount = channel.time_limit_unit, channel.time_limit_amount
    if unit == TimeUnit.SAME_DAY:
        return format_html("{}", gettext("Within the working day"))
    if not unit or amount is None:
        return format_html("{}", gettext("Not specified"))
    n = _amount(amount)
    count = _plural_count(amount)
    if unit == TimeUnit.WORKING_DAYS:
        text = ngettext("%(n)s working day", "%(n)s working days", count) % {"n": n}
    elif unit == TimeUnit.WORKING_HOURS:
        text = ngettext("%(n)s working hour", "%(n)s working hours", count) % {"n": n}
    elif unit == TimeUnit.CALENDAR_DAYS:
        text = ngettext("%(n)s day", "%(n)s days", count) % {"n": n}
    else:
        return format_html('{} <span class="verbatim">({}: “{}”)</span>', n, gettext("as published"),
                           channel.time_limit_text or gettext("unit not stated"))
    return format_html("{}", text)


@register.filter
def vdate(value: dt.date | dt.datetime | str | None) -> str:
    """``05/01/2016`` in Vietnamese, ``5 Jan 2016`` in English. An ISO text (a time stored in JSON: provenance,
    snapshots) is read first; a text that is not ISO is shown as it is."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        # Issue 14 point 4: a time reads "HH:MM dd/mm/yyyy" in Vietnamese.
        return format_date(value, "H:i d/m/Y" if _vietnamese() else "j M Y, H:i")
    return format_date(value, "d/m/Y" if _vietnamese() else "j M Y")


@register.filter
def level_labels(version) -> str:
    """The version's levels as translated labels, comma-separated ("Cấp tỉnh, Cấp xã")."""
    labels = dict(Level.choices)
    return ", ".join(str(labels.get(lv, lv)) for lv in version.level_list)
