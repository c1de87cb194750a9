"""`parse_logframe(html, url)`: bytes → cells → the head's fields and the table's rows.

The head (programme code and title, period, status, coordinating DG, budget) is read
from the lines above the intervention-logic table by what each line says, not where it
stands; the table by `logic`. Never raises: what cannot be read is a `ParseIssue`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from parsers import limits
from parsers.dates import parse_day
from parsers.dom import original_url
from parsers.encoding import decode_html
from parsers.issues import ParseIssue
from parsers.logframe import cells as C
from parsers.logframe import text as T
from parsers.logframe.logic import (
    Block,
    Line,
    blocks,
    header_columns,
    lines_of,
    marker,
)
from parsers.logframe.record import ExpectedResult, LogframeRecord, NotALogframe, ProjectPurpose

_JP = re.compile(r"^\(\s*joint\s+programmes?\s*\)$", re.I)
_SHOWING = re.compile(r"showing\s+only\s+one\W+(project\s+purpose|expected\s+result)", re.I)
_DAY = r"\d{1,2}[/.]\d{1,2}[/.]\d{4}"
_PERIOD = re.compile(rf"(?P<a>{_DAY})\s*(?:-|–|—|to)\s*(?P<b>{_DAY})")
_STATUS = re.compile(r"^(?:JP|status\s*:?)\s+(?P<s>[A-Za-z][A-Za-z ]{2,30})$", re.I)
_DG = re.compile(r"^coordinating\s+(?:dg|directorate(?:\s+general)?)\s*:?\s*(?P<rest>.*)$", re.I)
_TABLE_HEAD = re.compile(r"^intervention\s+logic\b", re.I)
_CHROME = re.compile(
    r"^(?:joint programmes\s*-\s*logframes?\b.*|narrative\s*\(work\s*plan\)|\(<< normal view\)|"
    r"print view|current events|today\s*-?|by programme\s*-?|by country\s*-?|search\s*-?|"
    r"sign in|subcontractors and grantees)$",
    re.I,
)
_NUMBERED = re.compile(r"^\d{1,3}[.)]?(?:\s+(?P<rest>.*))?$")
_URL_TEXT = re.compile(r"\bhttps?://[^\s<>\"']+", re.I)
_WORK_PLAN = re.compile(r"^narrative\s*\(work\s*plan\)", re.I)
_NARRATIVE = re.compile(r"narrative\s*:?", re.I)
_TRAILING_AMOUNT = re.compile(rf"(?:^|\s){T.AMOUNT}\s*$", re.I)
_ACTIVITY_HEADER = re.compile(r"^activity\s+details\b", re.I)
_SCOPES = {"projectobjectiveid": "project_purpose", "specificobjectiveid": "expected_result"}


def _query(url: str | None) -> dict[str, str]:
    if not url:
        return {}
    return {k.lower(): v for k, v in parse_qsl(urlsplit(url).query) if v.strip().isdigit()}


def _link_number(links: Iterable[str], name: str) -> int | None:
    """The one value of `name` (a query key) among `links`; None when none or several."""
    values = {_query(link).get(name) for link in links} - {None}
    return int(values.pop() or 0) if len(values) == 1 else None


def _code_title(head: list[Line], issues: list[ParseIssue]) -> tuple[str | None, str | None]:
    """The line after "(Joint Programmes)", else the last line above the first head field."""
    at = next((i + 1 for i, line in enumerate(head) if _JP.match(line.text)), None)
    if at is None:
        anchors = [i for i, line in enumerate(head) if _is_head_field(line.text)]
        below = anchors[0] if anchors else len(head)
        candidates = [i for i in range(below) if not _CHROME.match(head[i].text)]
        at = candidates[-1] if candidates else None
    if at is None or at >= len(head) or _is_head_field(head[at].text):
        return None, None
    line = head[at]
    code, title = T.split_code_title(line.raw)
    nxt = head[at + 1] if at + 1 < len(head) else None
    if code is None and nxt is not None and nxt.row == line.row and nxt.cell != line.cell:
        return line.text, nxt.text or None  # code and title in cells of their own
    if code is None:
        issues.append(ParseIssue("programme_code", "no gap between code and title", line.text))
    return code, title


def _is_head_field(text: str) -> bool:
    return bool(
        _SHOWING.search(text) or _PERIOD.search(text) or _STATUS.match(text) or _DG.match(text)
        or _WORK_PLAN.match(text)
    )  # fmt: skip


def _head_fields(head: list[Line], issues: list[ParseIssue]) -> dict[str, object]:
    out: dict[str, object] = {}
    dg_next = False
    for line in head:
        text = line.text
        if dg_next and text and not _is_head_field(text):
            out.setdefault("coordinating_dg", text)
            dg_next = False
            continue
        if (m := _PERIOD.search(text)) and "period_start" not in out:
            start, end = parse_day(m.group("a")), parse_day(m.group("b"))
            if start is None or end is None:
                issues.append(ParseIssue("period_start", "not a date span", text))
            out["period_start"], out["period_end"] = start, end
        elif (m := _STATUS.match(text)) and "status" not in out:
            out["status"] = m.group("s").strip().capitalize()
        elif m := _DG.match(text):
            if m.group("rest").strip():
                out.setdefault("coordinating_dg", m.group("rest").strip())
            else:
                dg_next = True  # its value is on the next line (or in the next cell)
        elif (budget := T.budget_line(text)) is not None and "budget_eur" not in out:
            out["budget_eur"] = budget
    return out


_DOCUMENTS = re.compile(r"^documents?\s*(?:/|&|and)?\s*links?\b", re.I)


def _documents(lines: list[Line], base: str | None) -> tuple[str, ...]:
    """Links after a "Documents/Links:" label: on its line and the numbered rows below
    (rows with no label of their own go on with the label above them). One pass."""
    found: list[str] = []
    inside = False
    for line in lines:
        if _DOCUMENTS.match(line.text):
            inside = True
            found += line.links + _URL_TEXT.findall(line.text)
        elif inside and (line.text or line.links):
            urls = _URL_TEXT.findall(line.text)
            if marker(line.text) or not (line.links or urls or _NUMBERED.match(line.text)):
                inside = False
            else:
                found += line.links or urls
    out: dict[str, None] = {}
    for href in found:
        out.setdefault(original_url(urljoin(base, href) if base else href))
    return tuple(out)


def _cell_text(lines: list[str], lead: str = "") -> tuple[str | None, int | None]:
    """(text, activity count) of a column: "(9 Activities) Narrative" gives the count and
    goes, as does a lone "Narrative" heading."""
    count = T.activity_count(lead)
    kept: list[str] = [T.without_count(lead)] if T.without_count(lead) else []
    for line in lines:
        n = T.activity_count(line)
        if n is not None and count is None:
            count = n
        rest = T.without_count(line) if n is not None else line
        if n is not None and _NARRATIVE.fullmatch(rest):
            continue
        if n is not None and not rest:
            continue
        kept.append(rest)
    if kept and _NARRATIVE.fullmatch(kept[0]):
        kept = kept[1:]
    return T.prose(kept), count


def _purpose(block: Block) -> ProjectPurpose:
    heading = block.heading
    count = T.activity_count(heading)
    heading = T.without_count(heading)
    m = T.CODE.search(heading)
    code = " ".join(m.group(0).split()) if m else None
    title = heading[m.end() :] if m else heading
    budget, tail = None, max(0, len(title) - 40)  # an amount is short: look at the end only
    if b := _TRAILING_AMOUNT.search(title[tail:]):
        budget, title = T.amount(b.group(0)), title[: tail + b.start()]
    narrative, inner = _cell_text(block.columns["logic"])
    key = T.purpose_key(code) or _link_number(block.links, "projectobjectiveid")
    return ProjectPurpose(
        number=block.number, code=code, key=key, title=title.strip(" -–") or None,
        budget_eur=budget, activity_count=count if count is not None else inner,
        narrative=narrative, **_other_columns(block),
    )  # fmt: skip


def _other_columns(block: Block) -> dict[str, Any]:
    c = block.columns
    return {
        "indicators": T.prose(c["indicators"]),
        "sources_of_verification": T.prose(c["sources"]),
        "assumptions": T.prose(c["assumptions"]),
    }


def _result(block: Block) -> ExpectedResult:
    text, count = _cell_text(block.columns["logic"], block.heading)
    return ExpectedResult(block.number, text, count, **_other_columns(block))


def _purposes(found: list[Block]) -> tuple[ProjectPurpose, ...]:
    out: list[tuple[ProjectPurpose, list[ExpectedResult]]] = []
    for block in found:
        if block.kind == "purpose":
            out.append((_purpose(block), []))
        elif block.kind == "result":
            if not out or block.number.split(".")[0] != out[-1][0].number:
                out.append((ProjectPurpose(number=block.number.split(".")[0]), []))
            out[-1][1].append(_result(block))
    return tuple(_with_results(p, rs) for p, rs in out)


def _with_results(p: ProjectPurpose, results: list[ExpectedResult]) -> ProjectPurpose:
    return replace(p, expected_results=tuple(results))


def _scope(url: str | None, lines: list[Line]) -> str:
    for line in lines:
        if m := _SHOWING.search(line.text):
            return "project_purpose" if "purpose" in m.group(1).lower() else "expected_result"
    query = _query(url)
    return next((scope for name, scope in _SCOPES.items() if name in query), "programme")


def _is_logframe(lines: list[Line]) -> bool:
    """A logframe's head or table shows at least twice; an activity page's header never."""
    clues = 0
    for n, line in enumerate(lines):
        t = line.text
        if n < 200 and _ACTIVITY_HEADER.match(t):
            return False
        hit = marker(t)
        if (
            _JP.match(t)
            or _DG.match(t)
            or _SHOWING.search(t)
            or _TABLE_HEAD.match(t)
            or (hit is not None and hit[0] != "result")
        ):
            clues += 1
            if clues >= 2 and n >= 200:
                return True
    return clues >= 2


def parse_logframe(
    html: bytes, url: str | None = None, content_type: str | None = None
) -> LogframeRecord | NotALogframe:
    """Parse one logframe view's bytes (any view, print or not; markup or text)."""
    if problem := limits.bytes_problem(html):
        return NotALogframe(problem, url, over_limits=True)
    if not html.strip():
        return NotALogframe("empty response", url)
    decoded = decode_html(html, content_type)
    tags = decoded.text.count("<")
    if problem := limits.tags_problem(tags):
        return NotALogframe(problem, url, over_limits=True)
    text_mode = C.is_text(decoded.text)
    if text_mode:
        cells = C.text_cells(decoded.text)
    else:
        tree = C.tree_of(decoded.text)
        if problem := limits.depth_problem(tree, tags):
            return NotALogframe(problem, url, over_limits=True)
        cells = C.tree_cells(tree)
        pre = tree.css("pre")
        if pre and not _is_logframe(lines_of(cells)):  # a text rendering kept in <pre>
            text_mode = True
            cells = C.text_cells("\n".join(p.text(deep=True, separator="") for p in pre))
    lines = lines_of(cells)
    if not _is_logframe(lines):
        return NotALogframe(
            "not a logframe page: no '(Joint Programmes)' head or logframe table", url
        )
    start = next(
        (i for i, line in enumerate(lines) if _TABLE_HEAD.match(line.text) or marker(line.text)),
        len(lines),
    )
    head = [line for line in lines[:start] if line.text]
    issues: list[ParseIssue] = []
    if decoded.note:
        issues.append(ParseIssue("encoding", f"decoded as {decoded.encoding}; {decoded.note}", ""))
    code, title = _code_title(head, issues)
    head_fields = _head_fields(head, issues)
    found = blocks(lines[start:], None if text_mode else header_columns(cells), text_mode)
    overall = next((b for b in found if b.kind == "overall"), None)
    objectives, count = (
        _cell_text(overall.columns["logic"], overall.heading) if overall else (None, None)
    )
    purposes = _purposes(found)
    scope = _scope(url, lines)
    query = _query(url)
    all_links = [link for line in lines for link in line.links]
    purpose_key = int(query["projectobjectiveid"]) if "projectobjectiveid" in query else None
    if purpose_key is None and scope != "programme" and len(purposes) == 1:
        purpose_key = purposes[0].key
    trans_id = int(query["transid"]) if "transid" in query else _link_number(all_links, "transid")
    result_id = int(query["specificobjectiveid"]) if "specificobjectiveid" in query else None
    return LogframeRecord(
        scope=scope, url=url, trans_id=trans_id, project_purpose_key=purpose_key,
        expected_result_id=result_id, programme_code=code, programme_title=title,
        overall_objectives=objectives, activity_count=count,
        documents=_documents(lines, url), project_purposes=purposes, issues=tuple(issues),
        **head_fields,  # type: ignore[arg-type]
    )  # fmt: skip
