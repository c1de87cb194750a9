"""The pages researchers land on: home, search, activity, capture, programme, country.

Each view reads `jparchive.db` through Datasette (read-only, with its SQL time limit) and
renders one of `templates/`. Parameters are checked first (`queries`): a bad one is a 400
with a one-line reason, an unknown record a 404.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import defaultdict
from datetime import date
from typing import Any
from urllib.parse import unquote

from datasette import Response
from datasette.app import Datasette
from datasette.utils import tilde_encode
from datasette.utils.asgi import Request

from pipeline.urls import citable
from pipeline.web import charts, cite, maps
from pipeline.web import queries as Q
from pipeline.web.capture import CaptureStore
from pipeline.web.embedded import embedded
from pipeline.web.listing import LIST_SIZE, by_year_table, listed, page_number, paged
from pipeline.web.metadata import DATABASE
from pipeline.web.pool import PagePool
from pipeline.web.replay import replay_url, stamp_of
from pipeline.web.searching import EXPORT_COLUMNS, FACET_SIZE, export_rows, run_search

# Our pages: no script at all, styles and images from here, frames of our own captures.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'self'"
)
_OPEN, _CLOSE = "\x02", "\x03"
Row = dict[str, Any]
MAX_DOCUMENT = 1024 * 1024 * 1024  # a document's archived bytes are served whole


async def _rows(ds: Datasette, sql: str, params: dict[str, Any] | None = None) -> list[Row]:
    pool: PagePool = ds._jparchive_pool  # our threads, not those of Datasette's SQL page
    return await pool.rows(sql, params)


async def _render(
    ds: Datasette, request: Request, template: str, context: dict[str, Any], status: int = 200
) -> Response:
    context = {"base": ds.setting("base_url"), **context}
    response = Response.html(await ds.render_template(template, context, request=request))
    response.status = status
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response


async def _map(ds: Datasette, of: str, key: str | None, title: str) -> str:
    """The map of where activities took place, per country and city: all of them, or
    those of a country, programme, person, organisation or place (`of`, `key`)."""
    pool: PagePool = ds._jparchive_pool
    found = await pool.facts({"names": Q.COUNTRY_NAMES_SQL,
                              "map": Q.MAP_SQL.format(where=Q.MAP_OF[of])}, {"k": key})  # fmt: skip
    names = {r["country_code"]: r["country_name"] for r in found["names"]}
    return maps.activities_map(found["map"], names, title)


async def error_page(ds: Datasette, request: Request, status: int, reason: str) -> Response:
    return await _render(ds, request, "jp_error.html", {"status": status, "reason": reason}, status)


def _highlight(snippet: str | None) -> str:
    """The snippet, escaped, with its matching words in <mark>."""
    text = html.escape(snippet or "")
    return text.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")


def _per_year(rows: list[Row]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        out[str(r["start_year"])][r["p"]] = r["n"]
    return out


async def home(datasette: Datasette, request: Request) -> Response:
    base = datasette.setting("base_url")
    if base != "/" and request.scope.get("path", "").startswith(base):
        return Response.redirect(f"{base}{DATABASE}")  # Datasette's own pages live there
    per_year = _per_year(await _rows(datasette, Q.PER_YEAR_SQL))
    context = {
        "counts": (await _rows(datasette, Q.HOLDINGS_SQL))[0],
        "sources": await _rows(datasette, Q.SOURCES_SQL),
        "programmes": await _rows(datasette, Q.PROGRAMMES_SQL),
        "chart": charts.stacked_bars(per_year, "Activities per year, by programme"),
        "map": await _map(datasette, "all", None, "Where the activities took place"),
    }
    return await _render(datasette, request, "jp_home.html", context)


def _choices(facts: Any) -> dict[str, list[tuple[str, str]]]:
    """What the search's lists offer, by name, from the data: (value, label)."""
    return {
        "country": sorted(
            ((c, facts.names.get(c, c)) for c in facts.countries), key=lambda c: c[1]
        ),
        "programme": [(p, p) for p in facts.programmes],
        "treaty": [(str(t), facts.treaty_names.get(str(t), f"ETS {t}")) for t in facts.treaties],
    }


def _export_links(request: Request) -> dict[str, Any]:
    """The page's results, every one of them with the page's own filters, as CSV and
    JSON (`/search.csv`, `/search.json`)."""
    query = request.query_string
    query = "&".join(p for p in query.split("&") if p and not p.startswith("page="))
    return {"csv": f"/search.csv?{query}", "json": f"/search.json?{query}",
            "cite": {e: f"/search.{e}?{query}" for e in cite.FORMATS}}  # fmt: skip


async def search_export(datasette: Datasette, request: Request) -> Response:
    """Every match of a search, best first, with the search page's filters: a CSV
    download or a JSON array (no cap: what the page counts is what it gives)."""
    import csv
    import io

    pool: PagePool = datasette._jparchive_pool
    facts = datasette._jparchive_facts
    await pool.run(facts.load)
    try:
        params = Q.search_params(
            request.args, set(facts.names), facts.known_programmes, facts.known_treaties
        )
    except Q.BadRequest as exc:
        return await error_page(datasette, request, 400, str(exc))
    bound = params.sql_params()
    wanted = params.fts or params.filtered
    rows = await pool.run(lambda conn: export_rows(conn, bound, facts)) if wanted else []
    if request.url_vars["format"] in cite.FORMATS:
        return await cite.citations(datasette, [r[0] for r in rows], request.url_vars["format"],
                                    "search")  # fmt: skip
    if request.url_vars["format"] == "json":
        records = [dict(zip(EXPORT_COLUMNS, r, strict=True)) for r in rows]
        return Response.json(records)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(rows)
    download = {"content-disposition": 'attachment; filename="search.csv"'}
    return Response(out.getvalue(), content_type="text/csv; charset=utf-8", headers=download)


_HREF_SCHEMES = ("http", "https", "ftp", "mailto")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def safe_href(url: str | None) -> str | None:
    """`url` as a link only when a browser would read it as a web address: tabs and line
    breaks taken out and control characters trimmed as the URL standard does first, so
    that "\x01javascript:..." or "java\tscript:..." (an archived page's `&#1;`,
    `&#9;`) is never a link, whatever it hides as."""
    if not url:
        return None
    cleaned = re.sub(r"[\t\n\r]", "", url).strip(_C0_AND_SPACE)
    scheme, colon, _ = cleaned.partition(":")
    if not colon or scheme.lower() not in _HREF_SCHEMES:
        return None
    return cleaned


async def search(datasette: Datasette, request: Request) -> Response:
    pool: PagePool = datasette._jparchive_pool
    facts = datasette._jparchive_facts
    await pool.run(facts.load)  # what the parameters are checked against, read once
    try:
        params = Q.search_params(
            request.args, set(facts.names), facts.known_programmes, facts.known_treaties
        )
    except Q.BadRequest as exc:
        return await error_page(datasette, request, 400, str(exc))
    context: dict[str, Any] = {"p": params, "results": [], "facets": {}, "total": 0, "pages": 0,
                               "choices": _choices(facts), "facet_size": FACET_SIZE}  # fmt: skip
    if params.fts or params.filtered:
        bound = params.sql_params()
        found = await pool.run(lambda conn: run_search(conn, bound, params.page, facts))
        for r in found.results:
            r["snippet_html"] = _highlight(r["snippet"])
        context.update(results=found.results, total=found.total, facets=found.facets,
                       pages=math.ceil(found.total / Q.PAGE_SIZE),
                       **_export_links(request))  # fmt: skip
    return await _render(datasette, request, "jp_search.html", context)


async def activity(datasette: Datasette, request: Request) -> Response:
    try:
        aid = Q.positive_int(request.url_vars["activity_id"], "activity")
    except Q.BadRequest as exc:
        return await error_page(datasette, request, 400, str(exc))
    found = await _rows(datasette, "SELECT * FROM activities WHERE activity_id = :id", {"id": aid})
    if not found:
        return await error_page(datasette, request, 404, f"no activity {aid} in the archive")
    a = found[0]
    params = {"id": aid, "programme": a["programme_code"]}
    context: dict[str, Any] = {"a": a}
    pool: PagePool = datasette._jparchive_pool
    context.update(await pool.many(Q.ACTIVITY_SQL, params))
    context["programme"] = context["programme"][0] if context["programme"] else None
    captures: list[Row] = context["captures"]
    for c in captures:
        c["citable"] = citable(c["source_ref"])
    if a["project_purpose_key"] is not None and a["expected_result_number"]:
        pk = (str(a["project_purpose_key"]), a["expected_result_number"])
        row = ",".join(tilde_encode(part) for part in pk)  # Datasette's row address
        context["result_href"] = f"{datasette.setting('base_url')}{DATABASE}/expected_results/{row}"
    # the capture the record was read from, framed below it
    digest = a["payload_digest"]
    read_from = [c for c in captures if c["payload_digest"] == digest and c["status"] == 200]
    ok = [c for c in captures if c["status"] == 200]
    shown = context["shown"] = next(iter(read_from or ok), None)
    if shown is not None:
        shown["replay"] = replay_url(stamp_of(shown["captured_at"]), shown["url"])
    for link in context["links"]:  # only web addresses are links; the rest is text
        link["href"] = safe_href(link["url"])
    for d in context["documents"]:
        d["size"] = _size(d["bytes"])
    archived = None
    if shown is not None:  # where the capture can be seen: the Wayback's, else ours
        archived = shown["citable"] or f"{request.scheme}://{request.host}{shown['replay']}"
    context["meta_tags"], context["jsonld"] = embedded(a, context["people"],
                                                      context["countries"], archived)  # fmt: skip
    return await _render(datasette, request, "jp_activity.html", context)


def _size(n: int | None) -> str:
    if n is None:
        return "over 200 MB"
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{max(1, round(n / 1e3))} KB"


_DOCUMENT_ID = re.compile(r"^[0-9a-f]{16}$")
_FILE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


async def document(datasette: Datasette, request: Request) -> Response:
    """A document's archived bytes, as a download (never shown in the browser's page)."""
    doc_id = request.url_vars["document_id"]
    if not _DOCUMENT_ID.match(doc_id):
        return await error_page(datasette, request, 400, f"document: {doc_id!r} is no document ID")
    found = await _rows(datasette, Q.DOCUMENT_SQL, {"id": doc_id})
    if not found:
        return await error_page(datasette, request, 404, f"no document {doc_id} in the archive")
    d = found[0]
    store: CaptureStore = datasette._jparchive_captures
    read = store.read(d["capture_id"], limit=MAX_DOCUMENT)
    if read is None:
        reason = f"document {doc_id}: its capture {d['capture_id']} is not in the archive's index"
        return await error_page(datasette, request, 404, reason)
    body, content_type = read
    name = _FILE_NAME.sub("_", d["url"].split("?")[0].rstrip("/").rsplit("/", 1)[-1])[:120]
    response = Response(body, status=200, content_type=content_type)
    response.headers.update(CaptureStore.headers())
    response.headers["Content-Disposition"] = f'attachment; filename="{name or doc_id}"'
    return response


async def capture(datasette: Datasette, request: Request) -> Response:
    """The archived bytes of one capture the index names, sandboxed."""
    try:
        capture_id = Q.positive_int(request.url_vars["capture_id"], "capture")
    except Q.BadRequest as exc:
        return await error_page(datasette, request, 400, str(exc))
    store: CaptureStore = datasette._jparchive_captures
    found = store.read(capture_id)
    if found is None:
        reason = f"no capture {capture_id} in the archive's index"
        return await error_page(datasette, request, 404, reason)
    body, content_type = found
    response = Response(body, status=200, content_type=content_type)
    response.headers.update(CaptureStore.headers())
    return response


def _spans(acts: list[Row]) -> list[tuple[str, date, date | None]]:
    return [
        (f"{a['activity_id']} {a['title'] or ''}", date.fromisoformat(a["start_date"]),
         date.fromisoformat(a["end_date"]) if a["end_date"] else None)
        for a in acts if a["start_date"]
    ]  # fmt: skip


async def programme(datasette: Datasette, request: Request) -> Response:
    code = unquote(request.url_vars["code"])  # "CyberCrime%40IPA", "CoE%20EaP%20Facility"
    found = await _rows(
        datasette, "SELECT * FROM programmes WHERE programme_code = :c", {"c": code}
    )
    if not found:
        return await error_page(datasette, request, 404, f"no programme {code!r} in the archive")
    context: dict[str, Any] = {"prog": found[0]}
    pool: PagePool = datasette._jparchive_pool
    context.update(await pool.facts(Q.PROGRAMME_SQL, {"c": code}))
    try:
        context.update(listed(request, context["activities"]))
    except Q.BadRequest as exc:
        return await error_page(datasette, request, 400, str(exc))
    context["timeline"] = charts.timeline(_spans(context["activities"]), f"Activities of {code}")
    context["map"] = await _map(datasette, "programme", code, f"Where {code}'s took place")
    return await _render(datasette, request, "jp_programme.html", context)


def _by_year(acts: list[Row]) -> dict[str, dict[str, int]]:
    """Activities per year and programme, for a stacked chart."""
    per_year: dict[str, dict[str, int]] = defaultdict(dict)
    for a in acts:
        if a["start_date"]:
            year, prog = a["start_date"][:4], a["programme_code"] or "(none)"
            per_year[year][prog] = per_year[year].get(prog, 0) + 1
    return per_year


async def countries(datasette: Datasette, request: Request) -> Response:
    """Every country the pages name, most activities first."""
    rows = await _rows(datasette, Q.COUNTRY_INDEX_SQL)
    where = await _map(datasette, "all", None, "Where the activities took place")
    return await _render(datasette, request, "jp_index.html",
                         {"kind": "countries", "rows": rows, "map": where})  # fmt: skip


async def programmes(datasette: Datasette, request: Request) -> Response:
    """Every programme, most activities first."""
    rows = await _rows(datasette, Q.PROGRAMME_INDEX_SQL)
    return await _render(datasette, request, "jp_index.html",
                         {"kind": "programmes", "rows": rows})  # fmt: skip


async def entity(datasette: Datasette, request: Request) -> Response:
    """A person, an organisation or a place: what the tables say of it and its
    activities by year (`/person/<id>`, `/organisation/<id>`, `/place/<id>`)."""
    kind, key = request.url_vars["kind"], unquote(request.url_vars["key"])
    sql = Q.ENTITY_SQL[kind]
    found = await _rows(datasette, sql["row"], {"k": key})
    if not found:
        return await error_page(datasette, request, 404, f"no {kind} {key!r} in the archive")
    pool: PagePool = datasette._jparchive_pool
    acts = (await pool.facts({"activities": sql["activities"]}, {"k": key}))["activities"]
    try:
        shown = listed(request, acts)
    except Q.BadRequest as exc:
        return await error_page(datasette, request, 400, str(exc))
    title = found[0]["name"]
    chart = charts.stacked_bars(_by_year(acts), f"Activities of {title}, by year")
    where = await _map(datasette, kind, key, f"Where the activities of {title} took place")
    context = {"kind": kind, "row": found[0], "title": title, "chart": chart, "map": where,
               **shown}  # fmt: skip
    return await _render(datasette, request, "jp_entity.html", context)


async def country(datasette: Datasette, request: Request) -> Response:
    code = unquote(request.url_vars["code"]).upper()
    found = await _rows(datasette, "SELECT * FROM countries WHERE country_code = :c", {"c": code})
    if not found:
        return await error_page(datasette, request, 404, f"no country {code!r} in the archive")
    pool: PagePool = datasette._jparchive_pool
    facts = await pool.facts(Q.COUNTRY_SQL, {"c": code})
    try:
        page, order = page_number(request), [r["activity_id"] for r in facts["order"]]
        ids = order[(page - 1) * LIST_SIZE : page * LIST_SIZE]
        shown = await pool.rows(Q.LISTED_SQL, {"ids": json.dumps(ids)}) if ids else []
        one_page = paged(page, len(order), shown)
    except Q.BadRequest as exc:
        return await error_page(datasette, request, 400, str(exc))
    per_year: dict[str, dict[str, int]] = defaultdict(dict)
    for r in facts["per_year"]:
        per_year[r["year"]][r["programme"]] = r["n"]
    name = found[0]["country_name"]
    context = {
        "country": found[0],
        **one_page,
        "by_year": by_year_table(per_year),
        "chart": charts.stacked_bars(per_year, f"Activities for or in {name}, by year"),
        "map": await _map(datasette, "country", code, f"Where those for or in {name} took place"),
    }
    return await _render(datasette, request, "jp_country.html", context)
