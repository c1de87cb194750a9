"""What an activity page tells reference managers and search engines in its <head>:
Highwire Press `citation_*` tags (Zotero, Google Scholar), Dublin Core (`DC.*`) and
schema.org JSON-LD (a `WebPage`, archived, `about` the `Event` the activity was).

    tags, jsonld = embedded(activity, people, countries, archived_at)

The same facts as the page's "cite this" and `jparchive export` (the page's address on
www.jp.coe.int, its dates, the Council of Europe as author). The JSON-LD is a data
block no browser runs: the pages' CSP (no script at all) allows it. Its text is made
safe inside <script> (`<`, `>` and `&` as \\u escapes: a title cannot end the block).
"""

from __future__ import annotations

import json
from typing import Any

from pipeline.exports.citations import AUTHOR, CONTAINER

Row = dict[str, Any]
EU = "European Union"  # a Joint Programme is the EU's and the Council of Europe's


def _tags(a: Row) -> list[tuple[str, str]]:
    title = a["title"] or f"Activity {a['activity_id']}"
    tags = [("citation_title", title), ("citation_author", AUTHOR),
            ("citation_publisher", AUTHOR), ("citation_public_url", a["original_url"]),
            ("DC.title", title), ("DC.creator", AUTHOR), ("DC.publisher", AUTHOR),
            ("DC.identifier", a["original_url"]), ("DC.type", "Text"),
            ("DC.source", CONTAINER)]  # fmt: skip
    if a["last_modified"]:
        day = str(a["last_modified"])[:10]
        tags += [("citation_date", day.replace("-", "/")), ("DC.date", day)]
    if a["location"]:
        tags.append(("DC.coverage", a["location"]))
    return tags


def _event(a: Row, people: list[Row], countries: list[Row]) -> dict[str, Any]:
    event: dict[str, Any] = {"@type": "Event", "name": a["title"] or f"Activity {a['activity_id']}",
                             "organizer": {"@type": "Organization", "name": AUTHOR}}  # fmt: skip
    if a["programme_code"]:
        event["funder"] = [{"@type": "Organization", "name": name} for name in (EU, AUTHOR)]
        event["superEvent"] = {"@type": "EventSeries", "name": a["programme_code"]}
    for key, column in (("startDate", "start_date"), ("endDate", "end_date")):
        if a[column]:
            event[key] = str(a[column])[:10]
    if a["location"]:
        place: dict[str, Any] = {"@type": "Place", "name": a["location"]}
        if a["location_country_code"]:
            place["address"] = {"@type": "PostalAddress",
                                "addressCountry": a["location_country_code"]}  # fmt: skip
        event["location"] = place
    performers = [p["name"] for p in people if p["role"] == "expert"]
    if performers:
        event["performer"] = [{"@type": "Person", "name": n} for n in dict.fromkeys(performers)]
    beneficiaries = [c["country_code"] for c in countries if c.get("role") == "beneficiary"]
    if beneficiaries:
        event["audience"] = {"@type": "Audience", "geographicArea": [
            {"@type": "Country", "identifier": code} for code in dict.fromkeys(beneficiaries)
        ]}  # fmt: skip
    return event


def embedded(
    a: Row, people: list[Row], countries: list[Row], archived_at: str | None
) -> tuple[list[tuple[str, str]], str]:
    """(the <meta> names and contents, the JSON-LD text) of an activity's page."""
    page: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "WebPage",
        "name": a["title"] or f"Activity {a['activity_id']}", "url": a["original_url"],
        "author": {"@type": "Organization", "name": AUTHOR},
        "isPartOf": {"@type": "WebSite", "name": CONTAINER},
        "about": _event(a, people, countries),
    }  # fmt: skip
    if archived_at:
        page["archivedAt"] = archived_at
    if a["last_modified"]:
        page["dateModified"] = str(a["last_modified"])[:10]
    text = json.dumps(page, ensure_ascii=False, indent=1)
    safe = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return _tags(a), safe
