"""Reading dates and whole numbers from what a client sends (query strings, headers, form fields), once for every
view: a value outside what the database and Python's ``datetime`` can hold is a client error, never a server error.

The issue-12 audit found ``9999-12-31`` (one day more overflows), ``0001-01-01`` (in UTC+7 it falls before year 1),
``2026-02-30``, ``1e40`` and ``"²"`` (``str.isdigit`` says yes, ``int`` says no) answering 500. Every reader here
raises :class:`BadParameter` (a ``ValueError``) with a message the client can act on; the DRF field and
:func:`api_day`/:func:`api_int` turn it into a 400 problem.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from rest_framework import exceptions, serializers

EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)
"""Dates accepted from clients: wide for any real record, far enough from ``date.min``/``date.max`` that a day added,
a time zone applied or a month's end computed never overflows."""

BIG_INT = 2**31 - 1
"""The largest whole number accepted from a client unless a view says less (fits every database integer column)."""

_ASCII_INT = re.compile(r"^[+-]?[0-9]{1,18}$")
_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class BadParameter(ValueError):
    """A value a client sent that cannot be used; the message says what would be."""


def parse_day(value: str) -> date:
    """An ISO date ``YYYY-MM-DD`` between :data:`EARLIEST_DAY` and :data:`LATEST_DAY`."""
    text = (value or "").strip()
    if not _ISO_DAY.match(text):
        raise BadParameter("A date, YYYY-MM-DD.")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BadParameter("No such date.") from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise BadParameter(f"A date between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}.")
    return day


def day_or(value: str | None, default: date) -> date:
    """:func:`parse_day`, or ``default`` when the value is missing or unusable (for HTML filter forms)."""
    if not value:
        return default
    try:
        return parse_day(value)
    except BadParameter:
        return default


def parse_int(value: Any, *, low: int = 0, high: int = BIG_INT) -> int:
    """A whole number written in ASCII digits (no exponent, no superscripts), between ``low`` and ``high``."""
    if isinstance(value, bool):
        raise BadParameter("A whole number.")
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        if not _ASCII_INT.match(text):
            raise BadParameter("A whole number, written in digits.")
        number = int(text)
    if not low <= number <= high:
        raise BadParameter(f"A whole number between {low} and {high}.")
    return number


def int_or(value: Any, default: int, *, low: int = 0, high: int = BIG_INT) -> int:
    """:func:`parse_int`, or ``default`` when the value is missing or unusable (for HTML pages and paginators)."""
    if value in (None, ""):
        return default
    try:
        return parse_int(value, low=low, high=high)
    except BadParameter:
        return default


def api_day(value: str | None, name: str) -> date:
    """:func:`parse_day` for a DRF view: a 400 problem naming the parameter."""
    try:
        return parse_day(value or "")
    except BadParameter as error:
        raise exceptions.ValidationError({name: [str(error)]}) from None


def api_int(value: Any, name: str, *, low: int = 0, high: int = BIG_INT) -> int:
    """:func:`parse_int` for a DRF view: a 400 problem naming the parameter."""
    try:
        return parse_int(value, low=low, high=high)
    except BadParameter as error:
        raise exceptions.ValidationError({name: [str(error)]}) from None


class DayField(serializers.DateField):
    """A DRF ``DateField`` limited to :data:`EARLIEST_DAY` … :data:`LATEST_DAY`."""

    def to_internal_value(self, value: Any) -> date:
        day = super().to_internal_value(value)
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise serializers.ValidationError(
                f"A date between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}.")
        return day


def entity_tag_versions(header: str) -> set[int]:
    """The versions named by an ``If-Match`` header (``"3"``, ``W/"3"``, a comma list); unparseable tags name none."""
    versions = set()
    for tag in (header or "").split(","):
        tag = tag.strip().removeprefix("W/").strip('"')
        if _ASCII_INT.match(tag) and not tag.startswith(("+", "-")):
            versions.add(int(tag))
    return versions


class DayFormField(forms.DateField):
    """A Django form ``DateField`` limited to :data:`EARLIEST_DAY` … :data:`LATEST_DAY` (HTML filters and forms)."""

    def validate(self, value: date | None) -> None:
        super().validate(value)
        if value is not None and not EARLIEST_DAY <= value <= LATEST_DAY:
            raise forms.ValidationError(
                f"Ngày phải trong khoảng {EARLIEST_DAY:%d/%m/%Y} – {LATEST_DAY:%d/%m/%Y}.", code="out_of_range")
