"""Issue 15 point 2: what follows a dossier event in its transaction is an explicit "event appended" hook, not a
``post_save`` receiver a hand-written insert could forget. Every writing path calls the hooks exactly once per event:
the submission's SQL fast path and its plain ORM twin, actions, uploads, evidence and ratings; a hook that raises
rolls the change back."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from motcua.dossiers import evidence, services
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import fast_submission, submission

from .factories import Flow, procedure, submitted, vn

pytestmark = [pytest.mark.backend, pytest.mark.django_db]
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"


@pytest.fixture
def seen():
    events: list[tuple[str, int, str]] = []
    services.register_event_hook("test-recorder", lambda e: events.append((e.dossier.code, e.seq, e.action)))
    yield events
    services.unregister_event_hook("test-recorder")


def _extract():
    return evidence.registry_extract(registry="population", label="Cơ sở dữ liệu quốc gia về dân cư", authority="",
                                     identifier="001090012345", fields={"full_name": "Nguyễn Văn An"}, labels={},
                                     fetched_at=vn(2026, 3, 2, 9, 1), document_name="Bản sao Căn cước",
                                     population=True)


def test_the_fast_path_and_the_orm_path_both_call_the_hooks_once_per_event(seen):
    procedure()
    dossier = submitted()  # the submission's SQL fast path
    evidence.attach(dossier.code, _extract(), required_document=None, actor=None, role="system",
                    at=vn(2026, 3, 2, 9, 2))
    flow = Flow(Dossier.objects.get(pk=dossier.pk))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    services.add_document(dossier.code, SimpleUploadedFile("scan.pdf", PDF), actor=flow.users["desk_officer"],
                          role="desk_officer", at=vn(2026, 3, 2, 10, 5))
    code = dossier.code
    assert seen == [(code, 1, "submit"), (code, 2, "upload_document"), (code, 3, "receive"),
                    (code, 4, "upload_document")]
    assert seen == list(DossierEvent.objects.filter(dossier=dossier).order_by("seq")
                        .values_list("dossier__code", "seq", "action"))


def test_the_plain_submission_writer_calls_the_hooks_once_too(seen, monkeypatch):
    procedure()
    monkeypatch.setattr(submission, "write_submission", fast_submission.write_submission_plain)
    dossier = submitted()
    assert seen == [(dossier.code, 1, "submit")]


def test_a_hook_that_raises_rolls_the_submission_and_the_action_back(seen):
    procedure()
    dossier = submitted()

    def refuse(event):
        raise RuntimeError(f"refused {event.action}")

    services.register_event_hook("test-refuser", refuse)
    try:
        flow = Flow(dossier)
        # Each call in a savepoint of the test's transaction, as a request's own transaction would be.
        with pytest.raises(RuntimeError, match="refused submit"), transaction.atomic():
            submitted()
        with pytest.raises(RuntimeError, match="refused receive"), transaction.atomic():
            flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    finally:
        services.unregister_event_hook("test-refuser")
    assert Dossier.objects.count() == 1
    assert list(DossierEvent.objects.values_list("action", flat=True)) == ["submit"]
    assert Dossier.objects.get().state == "submitted"


def test_the_linked_groups_and_the_personal_data_store_are_registered_hooks():
    assert services.event_hooks()[:2] == ("linked_groups", "personal_data_store")
