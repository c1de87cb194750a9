"""The activities and their programmes as IATI activity data (IATI Standard 2.03 XML):
one `iati-activity` per programme (the parent) and one per activity (its child).

    xml, left_out = iati_xml(activities, Tables(countries=..., programmes=...), reporter)

Mappings (every one in docs/exports.md): identifiers begin with the reporting
organisation's ref, as the standard's rule asks; the page's title and texts as
descriptions (general, objectives; results and follow-up as "other"); the European
Union and the Council of Europe as funders of a joint programme and the Council of
Europe as implementer; the site's status and dates as `activity-status` and
`activity-date`; beneficiary countries and the regions the site names as
`recipient-country` and `recipient-region` (shares equal); resolved places as
`location` points; the archived page as a `document-link` (category A12, activity web
page), and each archived document it links whose own words say what it is (an agenda,
a report...: `iati_codes`); a programme's logframe budget as its `budget`, its expected
results as `result`s (outputs) with their indicators (qualitative). IATI requires a
status and a date: an activity without either is left out, never given a made-up one,
and `left_out` says which and why (and which documents, their kind unsaid). No
`sector`: nothing on the site maps to the DAC codes without guessing. It imports the
code tables (`iati_codes`) and `pipeline.urls`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pipeline.exports.iati_codes import STATUS, category, file_format, language, region
from pipeline.urls import citable, original_address

Row = dict[str, Any]
EU, COE = "European Union", "Council of Europe"
MULTILATERAL = "40"  # OrganisationType
FUNDING, IMPLEMENTING = "1", "4"  # OrganisationRole
WEB_PAGE = "A12"  # DocumentCategory: activity web page
QUALITATIVE = "5"  # IndicatorMeasure


@dataclass(frozen=True, slots=True)
class Tables:
    """What the export reads beside the activities, each by the key it is looked up by."""

    countries: dict[int, list[str]] = field(default_factory=dict)  # beneficiaries
    regions: dict[int, list[str]] = field(default_factory=dict)  # the site's "Regions:"
    places: dict[str, Row] = field(default_factory=dict)  # resolved, by place_id
    programmes: list[Row] = field(default_factory=list)
    results: dict[str, list[Row]] = field(default_factory=dict)  # by programme code
    documents: dict[int, list[Row]] = field(default_factory=dict)  # linked and archived


@dataclass(frozen=True, slots=True)
class Reporter:
    """The `reporting-org`: who publishes the data (configurable; see docs/exports.md)."""

    ref: str = "XI-IATI-COE-JPARCHIVE"
    name: str = "Council of Europe (Joint Programmes, as archived by jparchive)"
    secondary: bool = True  # the data are the site's, republished from the archive


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    """`<tag attrs><narrative>text</narrative></tag>`."""
    element = ET.SubElement(parent, tag, attrs)
    ET.SubElement(element, "narrative").text = text
    return element


def _slug(code: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", code).strip("-")


def programme_id(reporter: Reporter, code: str) -> str:
    return f"{reporter.ref}-JP-{_slug(code)}"


def activity_id(reporter: Reporter, aid: int) -> str:
    return f"{reporter.ref}-JPA-{aid}"


def _head(activity: ET.Element, reporter: Reporter, ident: str, title: str) -> None:
    ET.SubElement(activity, "iati-identifier").text = ident
    org = _text(activity, "reporting-org", reporter.name, ref=reporter.ref, type=MULTILATERAL)
    if reporter.secondary:
        org.set("secondary-reporter", "1")
    _text(activity, "title", title)


def _orgs(activity: ET.Element, joint: bool) -> None:
    for name in (EU, COE) if joint else ():
        _text(activity, "participating-org", name, role=FUNDING, type=MULTILATERAL)
    _text(activity, "participating-org", COE, role=IMPLEMENTING, type=MULTILATERAL)


def _dates(activity: ET.Element, start: Any, end: Any, done: bool) -> None:
    if start:
        ET.SubElement(activity, "activity-date", {"type": "2" if done else "1",
                                                  "iso-date": str(start)[:10]})  # fmt: skip
    if end:
        ET.SubElement(activity, "activity-date", {"type": "4" if done else "3",
                                                  "iso-date": str(end)[:10]})  # fmt: skip


def _why_not(status: str | None, start: Any, end: Any) -> str | None:
    if not status or status.lower() not in STATUS:
        return f"its status {status!r} is none IATI knows" if status else "it has no status"
    if not start and not end:
        return "it has no date"
    return None


def _activity(root: ET.Element, a: Row, tables: Tables, parent: str | None,
              reporter: Reporter, left_out: list[str]) -> None:  # fmt: skip
    activity = ET.SubElement(root, "iati-activity", {"default-currency": "EUR"})
    _head(activity, reporter, activity_id(reporter, a["activity_id"]),
          a["title"] or f"Activity {a['activity_id']}")  # fmt: skip
    texts = [(a[c], kind) for c, kind in (("description", "1"), ("objectives", "2"),
             ("results", "4"), ("follow_up", "4")) if a.get(c)]  # fmt: skip
    # IATI wants one description at least: else what the page says of it, in a line
    facts = [a["title"], a.get("date_text"), a["location"], a.get("programme_title")]
    for text, kind in texts or [("; ".join(str(f) for f in facts if f) or "-", "1")]:
        _text(activity, "description", text, type=kind)
    _orgs(activity, bool(a["programme_code"]))
    status = STATUS[str(a["status"]).lower()]
    ET.SubElement(activity, "activity-status", code=status)
    _dates(activity, a["start_date"], a["end_date"], status in ("3", "4"))
    _recipients(activity, tables.countries.get(a["activity_id"], []),
                tables.regions.get(a["activity_id"], []))  # fmt: skip
    place = tables.places.get(a["place_id"] or "")
    if place and place["latitude"] is not None:
        location = ET.SubElement(activity, "location")
        _text(location, "name", place["name"])
        point = ET.SubElement(
            location, "point", srsName="http://www.opengis.net/def/crs/EPSG/0/4326"
        )
        ET.SubElement(point, "pos").text = f"{place['latitude']:.5f} {place['longitude']:.5f}"
        ET.SubElement(location, "exactness", code="1")
    _page(activity, a)
    for doc in tables.documents.get(a["activity_id"], []):
        if not _document(activity, doc):
            left_out.append(f"document {doc['url']} (activity {a['activity_id']}): its link, "
                            "title and file name say not what kind of document it is")  # fmt: skip
    if parent:
        ET.SubElement(activity, "related-activity", ref=programme_id(reporter, parent), type="1")


def _recipients(activity: ET.Element, countries: list[str], regions: list[str]) -> None:
    """The beneficiary countries and the regions the site names beside them (a region
    is a recipient in its own right there), in equal shares that sum to 100."""
    recipients = [("recipient-country", {"code": c}) for c in countries] + [
        ("recipient-region", {"code": code, "vocabulary": vocabulary, "name": name})
        for name in regions for code, vocabulary in [region(name)]
    ]  # fmt: skip
    for n, (tag, attrs) in enumerate(recipients):
        share = 100 // len(recipients) + (100 % len(recipients) if n == 0 else 0)
        name = attrs.pop("name", None)
        element = ET.SubElement(activity, tag, {**attrs, "percentage": str(share)})
        if name:
            ET.SubElement(element, "narrative").text = name


def _page(activity: ET.Element, a: Row) -> None:
    """The archived page: its Wayback address as the Archive shows it, else the site's."""
    url = (citable(a["source_url"]) if a["source"] == "wayback" else None) or a["original_url"]
    link = ET.SubElement(activity, "document-link", url=url, format="text/html")
    _text(link, "title", f"Joint Programmes activity {a['activity_id']} (archived web page)")
    ET.SubElement(link, "category", code=WEB_PAGE)


def _document(activity: ET.Element, doc: Row) -> bool:
    """A document the page links and the archive holds, if its own words say what kind
    of document it is (iati_codes.category): its Wayback address, else its own."""
    code = category(doc["label"], doc["title"], doc["url"])
    if code is None:
        return False
    wayback = citable(doc["final_url"]) if doc["source"] == "wayback" else None
    url = wayback or original_address(doc["url"])  # a mirror's copy: the site's address
    link = ET.SubElement(activity, "document-link", url=url, format=file_format(doc["kind"]))
    _text(link, "title", doc["title"] or doc["label"] or doc["url"].rsplit("/", 1)[-1])
    ET.SubElement(link, "category", code=code)
    if lang := language(doc["language"]):
        ET.SubElement(link, "language", code=lang)
    return True


def _programme(root: ET.Element, p: Row, children: list[int], results: list[Row],
               reporter: Reporter) -> None:  # fmt: skip
    activity = ET.SubElement(root, "iati-activity", {"default-currency": "EUR"})
    _head(activity, reporter, programme_id(reporter, p["programme_code"]),
          p["programme_title"] or p["programme_code"])  # fmt: skip
    if p["overall_objectives"]:
        _text(activity, "description", p["overall_objectives"], type="2")
    else:  # IATI wants one description at least: the programme's code and title
        _text(activity, "description", f"Joint Programme {p['programme_code']}", type="1")
    _orgs(activity, True)
    status = STATUS[str(p["status"]).lower()]
    ET.SubElement(activity, "activity-status", code=status)
    _dates(activity, p["period_start"], p["period_end"], status in ("3", "4"))
    if p["budget_eur"] is not None and p["period_start"] and p["period_end"]:
        budget = ET.SubElement(activity, "budget", type="1", status="2")
        ET.SubElement(budget, "period-start", {"iso-date": str(p["period_start"])[:10]})
        ET.SubElement(budget, "period-end", {"iso-date": str(p["period_end"])[:10]})
        start = str(p["period_start"])[:10]
        value = ET.SubElement(budget, "value", {"currency": "EUR", "value-date": start})
        value.text = str(p["budget_eur"])
    for aid in children:
        ET.SubElement(activity, "related-activity", ref=activity_id(reporter, aid), type="2")
    for r in results:
        _result(activity, r)


def _result(activity: ET.Element, r: Row) -> None:
    """An expected result of the logframe as an output, each of its indicators a
    qualitative one (the logframe states them in words, with no baseline or target)."""
    indicators = [line.strip(" -;\t") for line in (r["indicators"] or "").splitlines()]
    indicators = [line for line in indicators if line]
    if not indicators:  # IATI wants one at least: a result without is left out
        return
    result = ET.SubElement(activity, "result", type="1")
    _text(result, "title", f"{r['expected_result_number']}: {r['expected_result_text'] or ''}")
    for line in indicators:
        indicator = ET.SubElement(result, "indicator", measure=QUALITATIVE)
        _text(indicator, "title", line)


def iati_xml(activities: list[Row], tables: Tables,
             reporter: Reporter) -> tuple[bytes, list[str]]:  # fmt: skip
    """The IATI XML of `activities` and their programmes (with what `tables` says of
    them), and what was left out and why."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    root = ET.Element("iati-activities", {"version": "2.03", "generated-datetime": now})
    left_out: list[str] = []
    kept: dict[str, list[int]] = {}
    for a in activities:
        why = _why_not(a["status"], a["start_date"], a["end_date"])
        if why:
            left_out.append(f"activity {a['activity_id']}: {why}")
            continue
        if a["programme_code"]:
            kept.setdefault(a["programme_code"], []).append(a["activity_id"])
    parents = set()
    for p in tables.programmes:
        if p["programme_code"] not in kept:
            continue
        why = _why_not(p["status"], p["period_start"], p["period_end"])
        if why:  # its activities are exported without a parent
            left_out.append(f"programme {p['programme_code']}: {why}")
            continue
        _programme(root, p, kept[p["programme_code"]],
                   tables.results.get(p["programme_code"], []), reporter)  # fmt: skip
        parents.add(p["programme_code"])
    for a in activities:
        if not _why_not(a["status"], a["start_date"], a["end_date"]):
            parent = a["programme_code"] if a["programme_code"] in parents else None
            _activity(root, a, tables, parent, reporter, left_out)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True), left_out
