"""Issue 15 point 7: the submission's serializer reuse (``dossiers.api.fast_serialization``: one serializer per
thread, the context through DRF's private ``_context``) gives what DRF's documented use gives — the same validated
data, the same errors, the same representation — and one call's context or errors never leak into the next."""

from __future__ import annotations

import functools
import json

import pytest
from django.utils import timezone
from rest_framework import exceptions

from motcua.dossiers.api.fast_serialization import (
    represent,
    represent_plain,
    validate_submission,
    validate_submission_plain,
)
from motcua.dossiers.models import Dossier

from .factories import AGENCY, CITIZEN, Flow, procedure, submitted, vn

GOOD = {"procedure": "1.000001", "agency": AGENCY, "channel": "online", "applicant": dict(CITIZEN),
        "form_data": {"field": "giá trị", "n": [1, 2]}}
BODIES = {
    "good": GOOD,
    "good-without-form": {k: v for k, v in GOOD.items() if k != "form_data"},
    "group-and-procedure": {**GOOD, "group": "LT-KS-TT-BHYT"},
    "no-agency": {k: v for k, v in GOOD.items() if k != "agency"},
    "bad-channel": {**GOOD, "channel": "fax"},
    "applicant-not-an-object": {**GOOD, "applicant": "Nguyễn Văn An"},
    "form-not-an-object": {**GOOD, "form_data": [1]},
}


def _outcome(validate, body):
    try:
        return "valid", json.dumps(validate(body), ensure_ascii=False, sort_keys=True, default=str)
    except exceptions.ValidationError as invalid:
        return "invalid", json.dumps(invalid.detail, ensure_ascii=False, sort_keys=True)


def test_each_body_validates_as_drf_validates_it_in_any_order():
    plain = {name: _outcome(validate_submission_plain, body) for name, body in BODIES.items()}
    assert plain["good"][0] == "valid" and plain["bad-channel"][0] == "invalid"
    for order in (list(BODIES), list(reversed(BODIES))):  # the reused serializer carries nothing over
        assert {name: _outcome(validate_submission, BODIES[name]) for name in order} == plain


@pytest.mark.django_db
def test_each_dossier_is_represented_as_drf_represents_it_whatever_came_before(settings, tmp_path):
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    procedure()
    submitted(at=vn(2026, 3, 2, 9))
    flow = Flow(submitted(at=vn(2026, 3, 3, 9), channel="in_person"))
    flow("receive", "desk_officer", vn(2026, 3, 3, 10))
    flow("request_supplement", "specialist", vn(2026, 3, 3, 11), data={"missing": ["Tờ khai"]})
    dossiers = list(Dossier.objects.select_related("agency", "procedure", "procedure_version").order_by("code"))
    now = timezone.now()
    contexts = [{"now": now, "calendars": {}},
                {"now": now, "calendars": {}, "unmasked": functools.partial(lambda hide, _d: not hide, True)},
                {"now": now, "calendars": {}, "unmasked": functools.partial(lambda hide, _d: not hide, False)}]
    for context in [*contexts, *reversed(contexts)]:  # a masking context never leaks into the next call
        for dossier in dossiers:
            expected = json.dumps(represent_plain(dossier, dict(context)), ensure_ascii=False)
            assert json.dumps(represent(dossier, dict(context)), ensure_ascii=False) == expected
    masked = represent(dossiers[0], dict(contexts[1]))["applicant"]["personal_id"]
    assert masked == "*********345"
    assert represent(dossiers[0], dict(contexts[0]))["applicant"]["personal_id"] == CITIZEN["personal_id"]
