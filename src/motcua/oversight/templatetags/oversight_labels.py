"""Names for people in place of stored codes on the oversight pages (issue 14 point 5)."""

from __future__ import annotations

from django import template

from motcua.dossiers.rules import step_name as _step_name

register = template.Library()


@register.filter
def step_name(key: str | None) -> str:
    """``{{ a.step|step_name }}``: "Thẩm định, xử lý hồ sơ" for ``appraise``."""
    return _step_name(key) if key else ""
