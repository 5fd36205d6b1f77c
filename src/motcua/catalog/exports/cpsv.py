"""The catalog in EU CPSV-AP 3.2 (Core Public Service Vocabulary Application Profile): an rdflib graph, as Turtle
or JSON-LD.

Each procedure becomes a ``cpsv:PublicService`` that conforms to the release's SHACL shapes (copied, with their
attribution, in ``catalog/standards/cpsv-ap/``; the tests validate every export against them). The mapping, as
Decree 63/2010 Art. 8(2) names the components:

- a) name → ``dct:title``@vi; the code → ``dct:identifier``; ``dct:description``@vi is built from the steps (b) and
  the requirements (h), since the portal has no separate description, and is never empty.
- c) channels → ``cv:hasChannel`` → ``cv:Channel`` with ``dct:type`` (a concept for in person / online / postal).
- đ) time limit → ``cv:processingTime`` (``xsd:duration``) on each channel, and the longest on the service.
  ``xsd:duration`` has no working days: N working days are written ``PnD``, N working hours ``PTnH``, "trong ngày"
  (same working day) ``PT8H`` (one day of office hours). The exact unit and the source's words stay in the
  channel's ``dct:description``.
- d) dossier components → ``cpsv:hasInput`` → ``cv:Evidence``; h) fees → ``cv:hasCost`` → ``cv:Cost`` with
  ``cv:hasValue`` (``xsd:double``) and ``cv:currency`` VND, linked to their channel by ``cv:ifAccessedThrough``;
  h) results → ``cpsv:produces`` → ``cv:Output``; h) requirements → ``cv:holdsRequirement`` → ``cv:Requirement``.
- e) subjects → ``dct:audience``; g) agencies → ``cv:hasCompetentAuthority`` (the agencies in the competent role,
  else the implementing ones) and, every agency in its role, ``cv:hasParticipation`` → ``cv:Participation``.
- legal basis → ``cv:hasLegalResource`` → ``eli:LegalResource``; sector → ``cv:sector``; kind → ``dct:type``;
  status → ``adms:status``; language → ``dct:language`` Vietnamese.

IRIs are stable: ``<base>procedure/<code>`` and children below it; the base is ``settings.MOTCUA_BASE_IRI``
(default ``https://motcua.example/id/``). Concepts minted by motcua (sectors, channel types, roles, …) live under the
same base. EU authority tables are used for the currency, the language and the country.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.utils.text import slugify
from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, ORG, RDFS, SKOS

from motcua.core.text import fold

from ..models import AgencyRole, ChannelKind, TimeUnit, VersionStatus
from ..records import ChannelRecord, DocumentRecord, ProcedureRecord, TimeLimit

STANDARDS_DIR = Path(__file__).resolve().parent.parent / "standards" / "cpsv-ap"
SHAPES_PATH = STANDARDS_DIR / "cpsv-ap-SHACL.ttl"
CONTEXT_PATH = STANDARDS_DIR / "cpsv-ap-context.jsonld"

CPSV = Namespace("http://purl.org/vocab/cpsv#")
CV = Namespace("http://data.europa.eu/m8g/")
DCT = Namespace("http://purl.org/dc/terms/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ADMS = Namespace("http://www.w3.org/ns/adms#")

VND = URIRef("http://publications.europa.eu/resource/authority/currency/VND")
VIETNAMESE = URIRef("http://publications.europa.eu/resource/authority/language/VIE")
VIET_NAM = URIRef("http://publications.europa.eu/resource/authority/country/VNM")

PREFIXES = {
    "cpsv": CPSV, "cv": CV, "dct": DCT, "eli": ELI, "adms": ADMS, "skos": SKOS, "foaf": FOAF, "org": ORG,
    "xsd": XSD, "rdfs": RDFS,
}

# Labels of the concepts motcua mints: (Vietnamese, English).
CHANNEL_LABELS = {
    ChannelKind.IN_PERSON: ("Trực tiếp", "In person"),
    ChannelKind.ONLINE: ("Trực tuyến", "Online"),
    ChannelKind.POSTAL: ("Dịch vụ bưu chính", "Postal service"),
}
ROLE_LABELS = {
    AgencyRole.IMPLEMENTING: ("Cơ quan thực hiện", "Implementing agency"),
    AgencyRole.COMPETENT: ("Cơ quan có thẩm quyền", "Competent authority"),
    AgencyRole.COORDINATING: ("Cơ quan phối hợp", "Coordinating agency"),
    AgencyRole.AUTHORISED: ("Cơ quan được ủy quyền", "Authorised agency"),
}
STATUS_LABELS = {
    VersionStatus.DRAFT: ("Dự thảo", "Draft"),
    VersionStatus.PUBLISHED: ("Đã công bố", "Published"),
    VersionStatus.ABOLISHED: ("Đã bãi bỏ", "Abolished"),
}
UNIT_WORDS = {
    TimeUnit.WORKING_DAYS: "ngày làm việc",
    TimeUnit.WORKING_HOURS: "giờ làm việc",
    TimeUnit.SAME_DAY: "trong ngày",
    TimeUnit.CALENDAR_DAYS: "ngày",
    TimeUnit.UNKNOWN: "không rõ đơn vị",
}
OFFICE_HOURS_PER_DAY = 8  # 07:30–11:30 and 13:00–17:00 (domain.md §2)
UNSPECIFIED_AUTHORITY = "Chưa xác định cơ quan có thẩm quyền"


def base_iri() -> str:
    """``settings.MOTCUA_BASE_IRI`` with a trailing slash."""
    from django.conf import settings

    base = settings.MOTCUA_BASE_IRI
    return base if base.endswith("/") else base + "/"


def procedure_iri(code: str, base: str | None = None) -> URIRef:
    """The stable IRI of a procedure, e.g. ``https://motcua.example/id/procedure/1.000178``."""
    return URIRef(f"{base or base_iri()}procedure/{_segment(code)}")


def iso_duration(tl: TimeLimit | None) -> str | None:
    """An ``xsd:duration`` for a time limit, or None when it cannot be expressed.

    Working days are approximated as days (``P5D``) because ``xsd:duration`` has no working-day unit; fractions
    of a day become hours of office time (0.5 working days → ``PT4H``); "trong ngày" is ``PT8H``.
    """
    if tl is None or tl.unit == TimeUnit.UNKNOWN:
        return None
    amount = Decimal(tl.amount)
    if tl.unit == TimeUnit.SAME_DAY:
        return f"PT{OFFICE_HOURS_PER_DAY}H"
    if tl.unit in (TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS):
        if amount == amount.to_integral_value():
            return f"P{int(amount)}D"
        hours_per_day = OFFICE_HOURS_PER_DAY if tl.unit == TimeUnit.WORKING_DAYS else 24
        return _hours(amount * hours_per_day)
    if tl.unit == TimeUnit.WORKING_HOURS:
        return _hours(amount)
    return None


def _hours(hours: Decimal) -> str:
    minutes = int((hours * 60).to_integral_value())
    h, m = divmod(minutes, 60)
    return "PT" + (f"{h}H" if h else "") + (f"{m}M" if m or not h else "")


def _duration_seconds(tl: TimeLimit) -> Decimal:
    """A rough length used only to pick the longest channel time limit."""
    if tl.unit == TimeUnit.SAME_DAY:
        return Decimal(3600 * OFFICE_HOURS_PER_DAY)
    per_unit = {TimeUnit.WORKING_DAYS: 86400, TimeUnit.CALENDAR_DAYS: 86400, TimeUnit.WORKING_HOURS: 3600}
    return Decimal(tl.amount) * per_unit.get(tl.unit, 0)


def time_limit_words(c: ChannelRecord) -> str:
    """The time limit in Vietnamese with its exact unit, e.g. ``5 ngày làm việc``."""
    tl = c.time_limit
    if tl is None:
        return " ".join(c.time_limit_text.split()) or "không quy định"
    if tl.unit == TimeUnit.SAME_DAY:
        return UNIT_WORDS[tl.unit]
    amount = Decimal(tl.amount)
    number = str(int(amount)) if amount == amount.to_integral_value() else format(amount.normalize(), "f")
    return f"{number} {UNIT_WORDS.get(tl.unit, tl.unit)}"


def service_description(r: ProcedureRecord) -> str:
    """A free-text description for ``dct:description``: steps, then requirements; never empty."""
    parts = []
    steps = []
    for i, s in enumerate(r.steps, 1):
        title, body = s.title.strip(), s.description.strip()
        if title and body:
            steps.append(f"{title}{'' if title.endswith(':') else ':'} {body}")
        elif title or body:
            steps.append(title or f"Bước {i}: {body}")
    if steps:
        parts.append("Trình tự thực hiện:\n" + "\n".join(steps))
    if r.requirements.strip():
        parts.append("Yêu cầu, điều kiện thực hiện:\n" + r.requirements.strip())
    if not parts:
        parts.append(f"Thủ tục hành chính {r.name.strip()} (mã {r.code}).")
    return "\n\n".join(parts)


def _document_description(d: DocumentRecord) -> str:
    parts = [f"Số lượng: {d.originals} bản chính, {d.copies} bản sao."]
    if d.case.strip():
        parts.append(f"Trường hợp: {' '.join(d.case.split())}.")
    if d.form.strip():
        parts.append(f"Mẫu đơn, tờ khai: {' '.join(d.form.split())}.")
    if d.replaceable_by_registry:
        parts.append("Có thể thay bằng dữ liệu từ cơ sở dữ liệu quốc gia, chuyên ngành.")
    if d.reusable_from_result:
        parts.append("Có thể tái sử dụng kết quả giải quyết thủ tục hành chính trước đó.")
    return " ".join(parts)


class _Builder:
    """Adds records to a graph; shared nodes (agencies, legal documents, concepts) are described once."""

    def __init__(self, graph: Graph, base: str) -> None:
        self.g = graph
        self.base = base
        self.described: set[URIRef] = set()

    # -- shared nodes -----------------------------------------------------------------------------------------

    def _once(self, node: URIRef) -> bool:
        if node in self.described:
            return False
        self.described.add(node)
        return True

    def concept(self, scheme: str, key: str, vi: str, en: str = "") -> URIRef:
        node = URIRef(f"{self.base}{scheme}/{_segment(key)}")
        if self._once(node):
            scheme_node = URIRef(f"{self.base}{scheme}")
            self.g.add((node, RDF.type, SKOS.Concept))
            self.g.add((node, SKOS.prefLabel, Literal(vi, lang="vi")))
            if en:
                self.g.add((node, SKOS.prefLabel, Literal(en, lang="en")))
            self.g.add((node, SKOS.notation, Literal(key)))
            self.g.add((node, SKOS.inScheme, scheme_node))
            if self._once(scheme_node):
                self.g.add((scheme_node, RDF.type, SKOS.ConceptScheme))
        return node

    def named_concept(self, scheme: str, name: str) -> URIRef:
        return self.concept(scheme, _name_key(name), name.strip())

    def authority_tables(self) -> None:
        g = self.g
        g.add((VND, RDF.type, SKOS.Concept))
        g.add((VND, SKOS.prefLabel, Literal("Đồng Việt Nam", lang="vi")))
        g.add((VND, SKOS.notation, Literal("VND")))
        g.add((VIETNAMESE, RDF.type, DCT.LinguisticSystem))
        g.add((VIETNAMESE, SKOS.prefLabel, Literal("Tiếng Việt", lang="vi")))
        g.add((VIET_NAM, RDF.type, DCT.Location))
        g.add((VIET_NAM, SKOS.prefLabel, Literal("Việt Nam", lang="vi")))

    def organisation(self, name: str, code: str = "") -> URIRef:
        key = code.strip() or _name_key(name)
        node = URIRef(f"{self.base}organisation/{_segment(key)}")
        if self._once(node):
            label = Literal(" ".join(name.split()), lang="vi")
            for cls in (CV.PublicOrganisation, ORG.Organization, FOAF.Agent):
                self.g.add((node, RDF.type, cls))
            self.g.add((node, DCT.identifier, Literal(key)))
            self.g.add((node, SKOS.prefLabel, label))
            self.g.add((node, DCT.title, label))
            self.g.add((node, DCT.spatial, VIET_NAM))
        return node

    def legal_resource(self, number: str, title: str, issued_on, effective_on) -> URIRef:
        node = URIRef(f"{self.base}legal-resource/{_segment(number)}")
        if self._once(node):
            self.g.add((node, RDF.type, ELI.LegalResource))
            self.g.add((node, DCT.identifier, Literal(number)))
            if title.strip():
                self.g.add((node, DCT.title, Literal(title.strip(), lang="vi")))
            if issued_on:
                self.g.add((node, ELI.date_document, Literal(issued_on.isoformat(), datatype=XSD.date)))
            if effective_on:
                self.g.add((node, ELI.first_date_entry_in_force,
                            Literal(effective_on.isoformat(), datatype=XSD.date)))
        return node

    # -- one procedure ----------------------------------------------------------------------------------------

    def add(self, r: ProcedureRecord) -> URIRef:
        g = self.g
        s = procedure_iri(r.code, self.base)
        g.add((s, RDF.type, CPSV.PublicService))
        g.add((s, DCT.identifier, Literal(r.code)))
        g.add((s, DCT.title, Literal(r.name.strip(), lang="vi")))
        g.add((s, DCT.description, Literal(service_description(r), lang="vi")))
        g.add((s, DCT.language, VIETNAMESE))
        g.add((s, DCT.spatial, VIET_NAM))
        vi, en = STATUS_LABELS.get(r.status, (str(r.status), ""))
        g.add((s, ADMS.status, self.concept("status", str(r.status), vi, en)))
        if r.sector.strip():
            g.add((s, CV.sector, self.named_concept("sector", r.sector)))
        if r.kind.strip():
            g.add((s, DCT.type, self.named_concept("procedure-type", r.kind)))
        for subject in r.subjects:
            if subject.strip():
                g.add((s, DCT.audience, self.named_concept("audience", subject)))
        source = _web_iri(r.source_url)
        if source is not None:
            g.add((s, RDFS.seeAlso, source))

        self._agencies(s, r)
        self._channels(s, r)
        for i, d in enumerate(r.documents, 1):
            e = URIRef(f"{s}/evidence/{i}")
            g.add((s, CPSV.hasInput, e))
            g.add((e, RDF.type, CV.Evidence))
            g.add((e, DCT.identifier, Literal(f"{r.code}/evidence/{i}")))
            g.add((e, DCT.title, Literal(d.name.strip(), lang="vi")))
            g.add((e, DCT.description, Literal(_document_description(d), lang="vi")))
            g.add((e, DCT.language, VIETNAMESE))
            page = _web_iri(d.form_url)
            if page is not None:
                g.add((e, FOAF.page, page))
                g.add((page, RDF.type, FOAF.Document))
        for i, x in enumerate(r.results, 1):
            o = URIRef(f"{s}/output/{i}")
            g.add((s, CPSV.produces, o))
            g.add((o, RDF.type, CV.Output))
            g.add((o, DCT.identifier, Literal(x.code or f"{r.code}/output/{i}")))
            g.add((o, DCT.title, Literal(x.name.strip(), lang="vi")))
            if x.description.strip():
                g.add((o, DCT.description, Literal(x.description.strip(), lang="vi")))
        for lr in r.legal_basis:
            g.add((s, CV.hasLegalResource, self.legal_resource(lr.number, lr.title, lr.issued_on, lr.effective_on)))
        if r.requirements.strip():
            req = URIRef(f"{s}/requirement/1")
            g.add((s, CV.holdsRequirement, req))
            g.add((req, RDF.type, CV.Requirement))
            g.add((req, DCT.identifier, Literal(f"{r.code}/requirement/1")))
            g.add((req, DCT.title, Literal("Yêu cầu, điều kiện thực hiện", lang="vi")))
            g.add((req, DCT.description, Literal(r.requirements.strip(), lang="vi")))
        return s

    def _agencies(self, s: URIRef, r: ProcedureRecord) -> None:
        g = self.g
        named = [a for a in r.agencies if a.name.strip()]
        competent = ([a for a in named if a.role == AgencyRole.COMPETENT]
                     or [a for a in named if a.role == AgencyRole.IMPLEMENTING] or named)
        if competent:
            for a in competent:
                g.add((s, CV.hasCompetentAuthority, self.organisation(a.name, a.code)))
        else:  # CPSV-AP requires one; say plainly that the record names none
            g.add((s, CV.hasCompetentAuthority, self.organisation(UNSPECIFIED_AUTHORITY, "unspecified")))
        for i, a in enumerate(named, 1):
            p = URIRef(f"{s}/participation/{i}")
            vi, en = ROLE_LABELS.get(a.role, (a.role, ""))
            g.add((s, CV.hasParticipation, p))
            g.add((p, RDF.type, CV.Participation))
            g.add((p, DCT.identifier, Literal(f"{r.code}/participation/{i}")))
            g.add((p, DCT.description, Literal(f"{vi}: {' '.join(a.name.split())}", lang="vi")))
            g.add((p, CV.role, self.concept("agency-role", a.role, vi, en)))
            g.add((p, CV.hasParticipant, self.organisation(a.name, a.code)))

    def _channels(self, s: URIRef, r: ProcedureRecord) -> None:
        g = self.g
        longest: TimeLimit | None = None
        n_cost = 0
        for i, c in enumerate(r.channels, 1):
            ch = URIRef(f"{s}/channel/{i}")
            vi, en = CHANNEL_LABELS.get(c.kind, (c.kind, ""))
            g.add((s, CV.hasChannel, ch))
            g.add((ch, RDF.type, CV.Channel))
            g.add((ch, DCT.identifier, Literal(f"{r.code}/channel/{i}")))
            g.add((ch, DCT.type, self.concept("channel-type", c.kind, vi, en)))
            duration = iso_duration(c.time_limit)
            if duration:
                g.add((ch, CV.processingTime, Literal(duration, datatype=XSD.duration)))
                if longest is None or _duration_seconds(c.time_limit) > _duration_seconds(longest):
                    longest = c.time_limit
            text = f"{vi}. Thời hạn giải quyết: {time_limit_words(c)}."
            if c.time_limit and c.time_limit.unit == TimeUnit.WORKING_DAYS:
                text += " (cv:processingTime ghi số ngày làm việc dưới dạng ngày: giá trị gần đúng.)"
            if c.description.strip():
                text += "\n" + c.description.strip()
            g.add((ch, DCT.description, Literal(text, lang="vi")))
            for fee in c.fees:
                n_cost += 1
                cost = URIRef(f"{s}/cost/{n_cost}")
                g.add((s, CV.hasCost, cost))
                g.add((cost, RDF.type, CV.Cost))
                g.add((cost, DCT.identifier, Literal(f"{r.code}/cost/{n_cost}")))
                g.add((cost, CV.ifAccessedThrough, ch))
                g.add((cost, CV.currency, VND))
                if fee.amount_vnd is not None:
                    g.add((cost, CV.hasValue, Literal(float(fee.amount_vnd), datatype=XSD.double)))
                desc = " ".join(fee.description.split()) or ("Không rõ số tiền" if fee.amount_vnd is None else "")
                if desc:
                    g.add((cost, DCT.description, Literal(desc, lang="vi")))
        if longest is not None:
            g.add((s, CV.processingTime, Literal(iso_duration(longest), datatype=XSD.duration)))


def build_graph(records: Iterable[ProcedureRecord], base: str | None = None) -> Graph:
    """A CPSV-AP graph of these records."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    builder = _Builder(g, base or base_iri())
    builder.authority_tables()
    for r in records:
        builder.add(r)
    return g


def to_turtle(graph: Graph) -> str:
    """The graph as Turtle: prefixes, then one block per subject, subjects and predicates sorted.

    rdflib's pretty Turtle serialiser takes about a minute on the full catalog (it looks up a prefix for every
    distinct IRI "namespace", and each procedure's children form one), so this small writer is used instead. It
    abbreviates only the vocabularies in ``PREFIXES``; the tests parse its output back and compare the graphs.
    """
    lines = [f"@prefix {prefix}: <{ns}> ." for prefix, ns in sorted(PREFIXES.items())]
    lines.append(f"@prefix rdf: <{RDF}> .")
    lines.append("")
    for subject in sorted(set(graph.subjects()), key=str):
        by_predicate: dict[Any, list] = {}
        for p, o in graph.predicate_objects(subject):
            by_predicate.setdefault(p, []).append(o)
        ordered = sorted(by_predicate, key=lambda p: (p != RDF.type, _turtle_term(p)))
        parts = []
        for p in ordered:
            objects = ", ".join(sorted(_turtle_term(o) for o in by_predicate[p]))
            parts.append(f"{'a' if p == RDF.type else _turtle_term(p)} {objects}")
        lines.append(f"{_turtle_term(subject)} " + " ;\n    ".join(parts) + " .\n")
    return "\n".join(lines)


_PN_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_TURTLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_TURTLE_SPECIAL = re.compile(r'[\\"\x00-\x1f\x7f]')


def _turtle_term(term: Any) -> str:
    if isinstance(term, Literal):
        text = '"' + _TURTLE_SPECIAL.sub(
            lambda m: _TURTLE_ESCAPES.get(m.group(), f"\\u{ord(m.group()):04X}"), str(term)) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype:
            return f"{text}^^{_turtle_term(term.datatype)}"
        return text
    if isinstance(term, BNode):
        return f"_:{term}"
    iri = str(term)
    for prefix, ns in (*PREFIXES.items(), ("rdf", RDF)):
        if iri.startswith(str(ns)) and _PN_LOCAL.match(iri[len(str(ns)):]):
            return f"{prefix}:{iri[len(str(ns)):]}"
    return f"<{iri}>"


@cache
def jsonld_context() -> dict[str, Any]:
    """The CPSV-AP 3.2 JSON-LD context (the copied release file) plus the prefixes the export uses."""
    context = json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))["@context"]
    return {**context, **{prefix: str(ns) for prefix, ns in PREFIXES.items()}}


def to_jsonld(graph: Graph) -> str:
    """The graph as JSON-LD with the CPSV-AP context inline, so that it can be read without a network.

    Classes use the context's names (``"@type": "PublicService"``); properties are written as prefixed names
    (``cv:hasChannel``) rather than the context's class-scoped terms (``PublicService.hasChannel``), which a
    generic compactor would pick arbitrarily among terms sharing an IRI (``Dataset.identifier`` on a channel).
    """
    full = jsonld_context()
    compact = {k: v for k, v in full.items() if "." not in k}
    document = json.loads(graph.serialize(format="json-ld", context=compact, auto_compact=True))
    document["@context"] = full
    if isinstance(document.get("@graph"), list):  # a stable order, so that two exports can be diffed
        document["@graph"].sort(key=lambda node: str(node.get("@id", "")))
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def load_shapes() -> Graph:
    """The CPSV-AP 3.2 SHACL shapes."""
    return Graph().parse(SHAPES_PATH, format="turtle")


def _web_iri(url: str) -> URIRef | None:
    """An http(s) URL from the source as a valid IRI (spaces and other unsafe characters escaped), else None."""
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        return None
    return URIRef(quote(url, safe=":/?#[]@!$&'()*+,;=%~"))


def _segment(value: str) -> str:
    return quote(value.strip(), safe="")


def _name_key(name: str) -> str:
    """A readable, stable key for something known only by its name: the folded slug plus a short hash."""
    text = " ".join(name.split())
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return f"{slugify(fold(text))[:60].strip('-') or 'x'}-{digest}"
