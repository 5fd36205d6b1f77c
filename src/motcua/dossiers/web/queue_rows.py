"""The officer queue's rows, written as HTML in Python: the speed trick of the queue page (``/can-bo/``), justified by
the benchmark ``bench/dossiers.py --only queue`` (issue 3 "Speed": the template loop's variable lookups, filters and
includes were a third of the page's rendering; issue 15 point 7: a trick lives in one module named for what it
speeds up, with the plain path beside it).

- :func:`row_html` is the fast path the page uses: one f-string per row, every text escaped with
  :func:`html.escape` — what Django's ``escape`` / ``conditional_escape`` do to a plain string (quotes included),
  without their lazy-string wrappers; only the badges are markup (built once per request by :func:`badge_html`
  with ``format_html``).
- :func:`row_html_plain` is the plain path: the template ``dossiers/officer/_queue_row.html``, the markup the loop
  wrote. ``tests/test_queue_rows_fast_and_plain_agree.py`` renders rows of every kind (due today, overdue, at risk,
  paused, waiting for a supplement, not yet received with its receipt deadline, finished on time or late, a
  consultation overdue, texts to escape) both ways and requires the same HTML: change both or neither.

Everything a row shows is prepared in Python first (:func:`queue_row`): the deadline badges read
:func:`motcua.dossiers.queries.deadline_view`, the row's agency comes as annotations (``queries.QUEUE_JOINED``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape as _escape
from urllib.parse import quote

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from motcua.core.calendar import TZ, WorkingCalendar
from motcua.dossiers import escalation, queries
from motcua.dossiers.models import Dossier
from motcua.dossiers.transitions import STATUS_CODES, State
from motcua.units.models import Agency

PLAIN_TEMPLATE = "dossiers/officer/_queue_row.html"


@dataclass
class QueueRow:
    """One line of the queue, with its texts prepared in Python."""

    dossier: Dossier
    overdue: bool
    due_today: bool
    at_risk: bool
    consultation_overdue: bool = False
    url: str = ""
    procedure: str = ""
    status: str = ""
    due_iso: str = ""
    due_text: str = ""
    css: str = ""
    badges: str = ""
    html: str = ""


def badge_html() -> dict:
    """The badges' HTML for every combination (overdue, due today, at risk, consultation overdue), translated once
    per request; the words carry the meaning, not only the colour."""
    overdue = format_html('<span class="badge badge-overdue">{}</span>', _("Overdue"))
    today = format_html('<span class="badge badge-today">{}</span>', _("Due today"))
    risk = format_html(' <span class="badge badge-risk">{}</span>', _("At risk"))
    consult = format_html(' <span class="badge badge-overdue" data-badge="consultation-overdue">{}</span>',
                          _("Consultation overdue"))
    out: dict = {}
    for o in (False, True):
        for t in (False, True):
            for r in (False, True):
                for c in (False, True):
                    out[(o, t, r, c)] = mark_safe((overdue if o else today if t else "") + (risk if r else "")
                                                  + (consult if c else ""))
    # Issue 14 point 10: the column is filled for every row with a due time, not only when something is wrong.
    out["on_time"] = format_html('<span class="badge badge-ok">{}</span>', "Trong hạn")
    out["paused"] = format_html('<span class="badge badge-paused">{}</span>', "Tạm dừng tính hạn")
    out["done_on_time"] = format_html('<span class="badge badge-ok">{}</span>', "Xong đúng hạn")
    out["done_late"] = format_html('<span class="badge badge-overdue">{}</span>', "Xong trễ hạn")
    return out


def _row_agency(dossier: Dossier) -> Agency:
    """The dossier's agency as far as its calendar needs it (id and office hours, annotated by QUEUE_JOINED)."""
    return Agency(pk=dossier.agency_id, **{name: getattr(dossier, f"agency_{name}") for name in queries.AGENCY_HOURS})


def deadline_row(dossier: Dossier, moment: datetime, calendars: dict[int, WorkingCalendar],
                 badges: dict | None = None, stamp=None) -> QueueRow:
    """The row's deadline flags (and, given ``badges``, its badges and CSS class) at ``moment``."""
    calendar = calendars.get(dossier.agency_id)
    if calendar is None:
        calendar = calendars[dossier.agency_id] = queries.calendar_for(_row_agency(dossier), stamp)
    view = queries.deadline_view(dossier, moment, calendar)
    due_today = (not view.overdue and dossier.due_at is not None and dossier.finished_at is None
                 and dossier.due_at.astimezone(TZ).date() == moment.astimezone(TZ).date())
    consultation = escalation.is_consultation_overdue(dossier, moment)
    row = QueueRow(dossier, overdue=view.overdue, due_today=due_today, at_risk=view.at_risk,
                   consultation_overdue=consultation)
    if badges is not None:
        row.badges = badges[(view.overdue, due_today, view.at_risk, consultation)]
        if not row.badges and dossier.due_at is not None:
            if dossier.finished_at is not None:
                row.badges = badges["done_late" if dossier.finished_at > dossier.due_at else "done_on_time"]
            else:
                row.badges = badges["paused" if dossier.waiting_since is not None else "on_time"]
        row.css = "is-overdue" if view.overdue else "is-today" if due_today else "is-risk" if view.at_risk else ""
    return row


def queue_row(dossier: Dossier, moment: datetime, calendars: dict, badges: dict, stamp, url_prefix: str) -> QueueRow:
    """One row of the queue with its texts and its HTML (:func:`row_html`)."""
    row = deadline_row(dossier, moment, calendars, badges, stamp)
    row.url = f"{url_prefix}{quote(dossier.code, safe='')}/"
    name = dossier.procedure_name or ""
    row.procedure = name if len(name) <= 90 else name[:89] + "…"
    row.status = f"{STATUS_CODES[dossier.status_code].name}"
    if dossier.due_at is not None:
        local = dossier.due_at.astimezone(TZ)
        row.due_iso, row.due_text = local.isoformat(), f"{local:%H:%M %d/%m/%Y}"
    elif dossier.state == State.SUBMITTED and dossier.receipt_due_at is not None:
        # Decree 118/2025 Art. 17(2)(c): received or sent back within 8 working hours of arrival.
        local = dossier.receipt_due_at.astimezone(TZ)
        late = dossier.receipt_late or moment > dossier.receipt_due_at
        row.due_iso = local.isoformat()
        row.due_text = f"Tiếp nhận trước {local:%H:%M %d/%m/%Y}" + (" (quá hạn tiếp nhận)" if late else "")
        if late:
            row.css = " ".join(filter(None, (row.css, "receipt-late")))
    row.html = row_html(row)
    return row


def row_html(row: QueueRow) -> str:
    """One ``<tr>`` of the queue, fast: the markup of :func:`row_html_plain` written by hand."""
    d = row.dossier
    css = f' class="{_escape(row.css)}"' if row.css else ""
    due = (f'<time datetime="{_escape(row.due_iso)}">{_escape(row.due_text)}</time>' if row.due_iso else "—")
    return (f"\n    <tr{css}>\n"  # status_code is a small integer (:d refuses anything else)
            f'      <td><a href="{_escape(row.url)}">{_escape(d.code)}</a></td>\n'
            f"      <td>{_escape(d.applicant_name or '')}</td>\n"
            f"      <td>{_escape(row.procedure)}</td>\n"
            f'      <td>{_escape(row.status)} <span class="status-code">({d.status_code:d})</span></td>\n'
            f"      <td>{due}</td>\n"
            f"      <td>{row.badges}</td>\n"
            "    </tr>")


def row_html_plain(row: QueueRow) -> str:
    """One ``<tr>`` of the queue, plain: the template (the reference :func:`row_html` must equal)."""
    return render_to_string(PLAIN_TEMPLATE, {"row": row})


def rows_html(rows: list[QueueRow]) -> str:
    """The table body's rows, marked safe (each text escaped by :func:`row_html`)."""
    return mark_safe("".join(row.html for row in rows))
