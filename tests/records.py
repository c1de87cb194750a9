"""The golden records as the lines of their pages, for tests that lay them out anew.

`lines_of` gives each record line by line as the real page reads (`../shared/reference`):
a label (or None) and the line's text, plain and as HTML with its links. Layout tests
wrap these lines in markup of their own and check that parsing gives the record back.
"""

from __future__ import annotations

import html
import json
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = {
    p.stem: json.loads(p.read_text(encoding="utf-8"))
    for p in sorted((ROOT / "fixtures/site/CEAD/activities").glob("*.json"))
}
# Taken from links; the bare URLs a rendering shows still give `links`.
FROM_LINKS = {"programme_trans_id", "contact_email"}

# (label or None, plain text, the same as HTML with its links)
Line = tuple[str | None, str, str]


def day(value: str | None) -> str:
    return date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""


def country_lines(rec: dict[str, Any]) -> list[str]:
    groups: dict[str | None, list[str]] = {}
    for c in rec["countries"]:
        groups.setdefault(c["group"], []).append(c["name"])
    return [f"{g}: {' / '.join(n)}" if g else " / ".join(n) for g, n in groups.items()]


def lines_of(rec: dict[str, Any]) -> list[Line]:
    """The record as the lines of its page, in the site's order."""
    out: list[Line] = []

    def add(label: str | None, text: str | None, markup: str | None = None) -> None:
        if text is not None:
            out.append((label, text, markup if markup is not None else html.escape(text)))

    add(None, f"Activity Details (ID# {rec['activity_id']})")
    if rec["has_synopsis"] is not None:
        add(None, "Hide Synopsis" if rec["has_synopsis"] else "No Synopsis")
    for label, name in (
        ("Title", "title"),
        ("Description", "description"),
        ("Status", "status"),
        ("Date", "date_text"),
        ("Location", "location"),
    ):
        add(label, rec[name])
    for i, line in enumerate(country_lines(rec)):
        add("Countries" if i == 0 else None, line)
    for label, name in (("Organisations", "organisations"), ("Contributors", "contributors")):
        if rec[name]:
            add(label, " / ".join(rec[name]))
    if rec["partners"]:
        add("Partners", " / ".join(rec["partners"]))
    add(None, rec["cooperation_type"])
    add(None, f"Joint Programme Activity - {rec['programme_code']}")
    add(None, "Joint Programme EC/CoE")
    jp = f"{rec['programme_code']} - {rec['programme_title']}"
    logframe = f"JP/Default.asp?TransID={rec['programme_trans_id']}"
    add("JP", f"{jp} (Logframe)", f'<a href="{logframe}">{html.escape(jp)}</a> (Logframe)')
    add(
        "Project Purpose",
        f"{rec['project_purpose_number']} - {rec['project_purpose_code']}   "
        f"{rec['project_purpose_title']}",
    )
    add("Expected Result", f"{rec['expected_result_number']} - {rec['expected_result_text']}")
    add(None, "Council of Europe Programme of Activities")
    add(None, rec["coe_pillar"])
    for label, key, joint in (
        ("Line of Action ⇒", "coe_line_of_action", " – "),
        ("Programme ☆", "coe_programme", "  "),
        ("Project", "coe_project", " "),
        ("Expected Result", "coe_expected_result", " "),
    ):
        code = rec[f"{key}_number" if "result" in key else f"{key}_code"]
        title = rec[f"{key}_text" if "result" in key else f"{key}_title"]
        if code is not None:
            add(label, f"{code}{joint}{title}")
    add(None, "Working Method")
    add(None, rec["working_method"])
    add("Directorate (Service)", rec["directorate"])
    mail = f"mailto:{rec['contact_email'] or ''}"
    name = rec["contact_name"] or ","
    add("CoE Contact", f"{name}   email", f'{html.escape(name)} <a href="{mail}">email</a>')
    links = list(enumerate(rec["links"], 1))
    for heading, shown in (("Web Pages", links[:1]), ("Documents & links", links[1:])):
        if shown:  # the numbered links of a row, a line each
            add(heading, " ".join(f"{i} {url}" for i, url in shown),
                "<br>".join(f'{i} <a href="{html.escape(url)}">{html.escape(url)}</a>'
                            for i, url in shown))  # fmt: skip
    add("Last Modified", day(rec["last_modified"]))
    if rec["has_synopsis"]:
        add(None, f"Activity Synopsis (ID# {rec['activity_id']}) (Hide Synopsis)")
        for label, name in (
            ("Objective(s)", "objectives"),
            ("Output/Results", "results"),
            ("Conclusions/Follow Up", "follow_up"),
            ("Participants", "participants"),
        ):
            add(label, rec[name] or "")
        add("Consultants/Experts", ", ".join(rec["experts"]))
        add("CoE Secretariat", ", ".join(rec["secretariat"]))
        total = rec["participants_total"]
        add("Total No. Participants", str(total) if total is not None else "")
        add("Last Modified", day(rec["synopsis_last_modified"]))
    add(None, "* All reference to Kosovo shall be understood in full compliance with UNSCR 1244.")
    return out


def breaks(markup: str) -> str:
    return markup.replace("\n", "<br>")


FIELDS = [f for f in next(iter(GOLDEN.values())) if f not in ("url", "issues")]
