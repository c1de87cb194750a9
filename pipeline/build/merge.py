"""The parent tables with what logframes say: programmes, project purposes and expected
results as activity pages describe them, completed (and overruled) by their logframes;
and how complete the archive is against what each logframe counts (`coverage`).

Where a logframe and the activity pages disagree (a title, a code spelled `DG1` vs
`DG I`), the logframe wins and the difference is listed (`Merged.disagreements`). A
programme is matched to its logframe by TransID first, then by code; the activity pages'
code stays the key, so that every activity still finds its programme.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.build.logframes import Logframes, Reading

Row = dict[str, Any]
LOGFRAME, ACTIVITY_PAGES = "logframe", "activity pages"
PURPOSES = "project_purposes"
_TEXTS = ("indicators", "sources_of_verification", "assumptions")
RESULT_COLUMNS = {**{t: t for t in _TEXTS}, "logframe_activity_count": "activity_count"}
PURPOSE_COLUMNS = {"budget_eur": "budget_eur", "narrative": "narrative", **RESULT_COLUMNS}


@dataclass(slots=True)
class Merged:
    programmes: list[Row]
    purposes: list[Row]
    results: list[Row]
    disagreements: list[Row] = field(default_factory=list)


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _differ(out: list[Row], table: str, key: object, name: str, logframe: Any, pages: Any) -> None:
    if logframe is not None and pages is not None and _norm(str(logframe)) != _norm(str(pages)):
        out.append(
            {
                "table": table,
                "key": key,
                "field": name,
                "logframe": logframe,
                "activity_pages": pages,
            }
        )


def _logframe_columns(found: Any, columns: dict[str, str], row: Row, wins: dict[str, str]) -> Row:
    """`row` completed by what a logframe says (`found`, or None when none was read):
    `columns` are filled from its attributes (null without it); `wins` overrule the
    activity pages' value where the logframe has one; `source` says which it was."""
    out = row | {
        col: getattr(found, attr) if found is not None else None for col, attr in columns.items()
    }
    for col, attr in wins.items():
        out[col] = (getattr(found, attr) if found is not None else None) or row[col]
    out["source"] = LOGFRAME if found is not None else ACTIVITY_PAGES
    return out


def _programme_row(row: Row, reading: Reading | None) -> Row:
    r = reading.record if reading else None
    columns = {
        "period_start": "period_start",
        "period_end": "period_end",
        "status": "status",
        "coordinating_dg": "coordinating_dg",
        "budget_eur": "budget_eur",
        "overall_objectives": "overall_objectives",
        "logframe_activity_count": "activity_count",
    }
    wins = {"programme_title": "programme_title", "programme_trans_id": "trans_id"}
    out = _logframe_columns(r, columns, row, wins)
    out["logframe_url"] = reading.capture.url if reading else None
    return out


def merge_programmes(
    rows: list[Row], logframes: Logframes, out: list[Row]
) -> tuple[list[Row], dict[int, str]]:
    """Programme rows with their logframes; and each TransID's programme code (the key)."""
    by_trans = {
        r["programme_trans_id"]: r["programme_code"] for r in rows if r["programme_trans_id"]
    }
    by_code = {_norm(r["programme_code"]): r["programme_code"] for r in rows}
    matched: dict[str, Reading] = {}
    for reading in sorted(logframes.programmes.values(), key=lambda x: x.rank):
        r = reading.record
        code = by_trans.get(r.trans_id) or by_code.get(_norm(r.programme_code)) or r.programme_code
        if code and code not in matched:
            matched[code] = reading
            if r.trans_id is not None:
                by_trans.setdefault(r.trans_id, code)
    merged = []
    known = {r["programme_code"] for r in rows}
    blank = {
        "programme_title": None,
        "programme_trans_id": None,
        "first_activity_date": None,
        "last_activity_date": None,
        "activity_count": 0,
    }
    by_key = {r["programme_code"]: r for r in rows}
    for code in sorted(known | set(matched)):
        row = by_key.get(code)
        held = matched.get(code)
        if row is not None and held is not None:
            r = held.record
            _differ(out, "programmes", code, "programme_code", r.programme_code, code)
            _differ(
                out,
                "programmes",
                code,
                "programme_title",
                r.programme_title,
                row["programme_title"],
            )
            _differ(
                out, "programmes", code, "programme_trans_id", r.trans_id, row["programme_trans_id"]
            )
        merged.append(_programme_row(row or {"programme_code": code, **blank}, held))
    return merged, {t: c for t, c in by_trans.items() if t is not None}


def merge_purposes(
    rows: list[Row], logframes: Logframes, trans: dict[int, str], out: list[Row]
) -> list[Row]:
    by_key = {r["project_purpose_key"]: r for r in rows}
    merged = []
    for key in sorted(set(by_key) | set(logframes.purposes)):
        row = by_key.get(key)
        held = logframes.purposes.get(key)
        p, reading = held if held else (None, None)
        lf_programme = None
        if reading is not None:
            lf_programme = trans.get(reading.record.trans_id or -1) or reading.record.programme_code
        if row is None:
            row = {
                "project_purpose_key": key,
                "programme_code": lf_programme,
                "project_purpose_number": None,
                "project_purpose_codes": "",
                "project_purpose_title": None,
                "activity_count": 0,
            }
        elif p is not None:
            page_codes = row["project_purpose_codes"]
            if p.code and p.code not in page_codes.split("; "):
                _differ(out, PURPOSES, key, "project_purpose_code", p.code, page_codes)
            _differ(
                out, PURPOSES, key, "project_purpose_title", p.title, row["project_purpose_title"]
            )
            _differ(
                out,
                PURPOSES,
                key,
                "project_purpose_number",
                p.number,
                row["project_purpose_number"],
            )
        codes = set(filter(None, row["project_purpose_codes"].split("; ")))
        if p is not None and p.code:
            codes.add(p.code)
        row = row | {
            "programme_code": row["programme_code"] or lf_programme,
            "project_purpose_codes": "; ".join(sorted(codes)),
        }
        wins = {"project_purpose_number": "number", "project_purpose_title": "title"}
        merged.append(_logframe_columns(p, PURPOSE_COLUMNS, row, wins))
    return merged


def merge_results(rows: list[Row], logframes: Logframes, out: list[Row]) -> list[Row]:
    by_key = {(r["project_purpose_key"], r["expected_result_number"]): r for r in rows}
    merged = []
    for key in sorted(set(by_key) | set(logframes.results)):
        row = by_key.get(key) or {
            "project_purpose_key": key[0],
            "expected_result_number": key[1],
            "expected_result_text": None,
            "activity_count": 0,
        }
        held = logframes.results.get(key)
        res = held[0] if held else None
        if res is not None and key in by_key:
            _differ(
                out,
                "expected_results",
                f"{key[0]} {key[1]}",
                "expected_result_text",
                res.text,
                row["expected_result_text"],
            )
        wins = {"expected_result_text": "text"}
        merged.append(_logframe_columns(res, RESULT_COLUMNS, row, wins))
    return merged


def merge(
    programmes: list[Row], purposes: list[Row], results: list[Row], logframes: Logframes
) -> Merged:
    out: list[Row] = []
    prog_rows, trans = merge_programmes(programmes, logframes, out)
    purpose_rows = merge_purposes(purposes, logframes, trans, out)
    return Merged(prog_rows, purpose_rows, merge_results(results, logframes, out), out)


def coverage_rows(
    merged: Merged,
    logframes: Logframes,
    archived: dict[str, set[int]],
    archived_by_purpose: dict[int, set[int]],
) -> list[Row]:
    """Per programme and per purpose: counted, archived, share, and the activities the
    listings name that the archive does not hold."""
    everything = set().union(*archived.values()) if archived else set()
    rows = []
    for p in merged.programmes:
        held = archived.get(p["programme_code"], set())
        listed = logframes.listed.get(p["programme_trans_id"] or -1, set())
        rows.append(
            _coverage(
                p["programme_code"], None, p["logframe_activity_count"], held, listed - everything
            )
        )
    for pp in merged.purposes:
        key = pp["project_purpose_key"]
        held = archived_by_purpose.get(key, set())
        listed = logframes.listed_by_purpose.get(key, set())
        rows.append(
            _coverage(
                pp["programme_code"], key, pp["logframe_activity_count"], held, listed - everything
            )
        )
    return rows


def _coverage(
    code: str | None, key: int | None, counted: int | None, held: set[int], missing: set[int]
) -> Row:
    return {
        "level": "programme" if key is None else "project_purpose",
        "programme_code": code,
        "project_purpose_key": key,
        "counted": counted,
        "archived": len(held),
        "share": round(len(held) / counted, 4) if counted else None,
        "missing_count": len(missing),
        "missing_ids": "; ".join(str(i) for i in sorted(missing)),
    }
