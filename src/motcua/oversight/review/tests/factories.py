"""Builders for review tests: catalog records with chosen names, documents and steps, and handled dossiers."""

from __future__ import annotations

from motcua.catalog.records import DocumentRecord, StepRecord
from motcua.catalog.tests.factories import create_procedure
from motcua.dossiers.tests.factories import Flow, submitted, vn


def record(code: str, name: str, documents: list[str], steps: list[str] | None = None, **overrides):
    """A published procedure with these names of documents and steps."""
    return create_procedure(code, name, documents=[DocumentRecord(d, 1, 0) for d in documents],
                            steps=[StepRecord(f"Bước {i + 1}", s) for i, s in enumerate(steps or [
                                "Nộp hồ sơ tại bộ phận một cửa", "Cơ quan giải quyết thẩm định hồ sơ",
                                "Trả kết quả cho người nộp"])], **overrides)


def handled(code: str, day: int = 2, month: int = 3, refuse: bool = False, supplement: bool = False,
            late: bool = False):
    """A dossier of ``code`` submitted on ``day``/``month``/2026 at 08:00 and handled to its end:

    receive 09:00, assign 10:00, [supplement requested 14:00, back next day 14:00], appraisal done two days later
    10:00, then approve at 14:00 (or refuse the next day 10:00), result issued 15:00, returned the next day 09:00.
    ``late`` approves a week later instead."""
    flow = Flow(submitted(code, at=vn(2026, month, day, 8)))
    flow("receive", "desk_officer", vn(2026, month, day, 9))
    flow("assign", "leader", vn(2026, month, day, 10), data={"assignee": "specialist-H01.TTPVHCC"})
    if supplement:
        flow("request_supplement", "specialist", vn(2026, month, day, 14), data={"missing": ["Tờ khai"]})
        flow("submit_supplement", "applicant", vn(2026, month, day + 1, 14))
    flow("complete_step", "specialist", vn(2026, month, day + 2, 10))
    if refuse:
        flow("refuse", "leader", vn(2026, month, day + 3, 10), reason="Không đủ điều kiện.")
        return flow.dossier
    flow("approve", "leader", vn(2026, month, day + (9 if late else 2), 14))
    flow("issue_result", "specialist", vn(2026, month, day + (9 if late else 2), 15))
    flow("return_result", "desk_officer", vn(2026, month, day + (10 if late else 3), 9))
    return flow.dossier
