"""Dates as the site wrote them: `19/03/2007 - 21/03/2007`, `27/04/2011`, `May-October 2017`.

`parse_date_span` turns the text of a Date row into (start, end, precision); the end of
a month or year span is its last day. Unreadable text gives None and a reason, never an
exception.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (calendar.month_name[number].lower(), calendar.month_abbr[number].lower())
}
_MONTHS["sept"] = 9

_DAY = r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})"  # "19/03/07" is 2007
_DASH = r"\s*(?:-|–|—|\bto\b|\buntil\b|\band\b)\s*"
_LEAD = re.compile(r"^(?:from|between)\s+", re.I)  # "From 19/03/2007 to 21/03/2007"
_DAY_RANGE = re.compile(rf"^{_DAY}(?:{_DASH}{_DAY})?$", re.I)
_MONTH = r"([A-Za-z]{3,9})\.?"
# "May-October 2017", "May 2016 - March 2017", "May 2017"
_MONTH_RANGE = re.compile(rf"^{_MONTH}(?:\s+(\d{{4}}))?(?:{_DASH}{_MONTH})?\s+(\d{{4}})$", re.I)
# "19-21/03/2007": two days of one month
_COMPACT_RANGE = re.compile(r"^(\d{1,2})\s*[-–]\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})$")
# "19 March 2007", "19-21 March 2007", "19 March - 2 April 2007", "30 Dec 2008 - 2 Jan 2009"
_ORD = r"(\d{1,2})(?:st|nd|rd|th)?"
_NAMED_DAYS = re.compile(
    rf"^{_ORD}(?:\s+{_MONTH})?(?:\s+(\d{{4}}))?(?:{_DASH}{_ORD})?\s+{_MONTH}\s+(\d{{4}})$", re.I
)
# "March 19-21, 2007", "March 19, 2007": month first
_MONTH_FIRST = re.compile(rf"^{_MONTH}\s+{_ORD}(?:{_DASH}{_ORD})?,?\s+(\d{{4}})$", re.I)
# "03/2007", "03/2007 - 05/2007"
_NUMERIC_MONTHS = re.compile(rf"^(\d{{1,2}})[/.](\d{{4}})(?:{_DASH}(\d{{1,2}})[/.](\d{{4}}))?$")
_YEAR_RANGE = re.compile(rf"^(\d{{4}})(?:{_DASH}(\d{{4}}))?$")
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")  # "2007-03-19", a re-render's form
_TIME = re.compile(r"\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?$", re.I)  # "10:23:45 AM"
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)$")  # "19/03/2007 - 21/03/2007 (3 days)"
_WEEKDAY = re.compile(  # "Monday 19 March 2007", "Mon, 19/03/2007"
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\b\.?,?\s*",
    re.I,
)


@dataclass(frozen=True, slots=True)
class DateSpan:
    start: date
    end: date
    precision: str  # "day", "month" or "year"


def parse_day(text: str) -> date | None:
    """`04/04/2007` as a date, or None; a time after it (ASP's `Now()` wrote one) and
    the other forms of one day `parse_date_span` reads ("2007-04-04", "4 April 2007") too.

    >>> parse_day("04/04/2007"), parse_day("04/04/2007 10:23:45")
    (datetime.date(2007, 4, 4), datetime.date(2007, 4, 4))
    """
    text = _TIME.sub("", text.strip())
    if m := re.fullmatch(_DAY, text):
        return _day(m.group(1), m.group(2), m.group(3))
    span = parse_date_span(text)
    return span.start if isinstance(span, DateSpan) and span.start == span.end else None


def _day(d: str, m: str, y: str) -> date | None:
    year = int(y)
    if len(y) == 2:  # the site ran 2003-2020
        year += 2000 if year < 50 else 1900
    try:
        return date(year, int(m), int(d))
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _day_span(m: re.Match[str]) -> DateSpan | str:
    start = _day(m.group(1), m.group(2), m.group(3))
    end = _day(m.group(4), m.group(5), m.group(6)) if m.group(4) else start
    return _days(start, end)


def _days(start: date | None, end: date | None) -> DateSpan | str:
    if start is None or end is None:
        return "not a calendar date"
    if end < start:
        return "end date before start date"
    return DateSpan(start, end, "day")


def _month_span(m: re.Match[str]) -> DateSpan | str:
    first = _MONTHS.get(m.group(1).lower())
    last = _MONTHS.get(m.group(3).lower()) if m.group(3) else first
    if first is None or last is None:
        return "unknown month name"
    end_year = int(m.group(4))
    start_year = int(m.group(2)) if m.group(2) else end_year
    if not m.group(2) and last < first:
        start_year -= 1  # "November-February 2012" starts in 2011
    start, end = date(start_year, first, 1), _month_end(end_year, last)
    if end < start:
        return "end date before start date"
    return DateSpan(start, end, "month")


def _named_days(m: re.Match[str]) -> DateSpan | str:
    d1, month1, year1, d2, month2, year2 = m.groups()
    last = _MONTHS.get(month2.lower())
    first = _MONTHS.get(month1.lower()) if month1 else last
    if first is None or last is None:
        return "unknown month name"
    start_year = year1 or (str(int(year2) - 1) if first > last else year2)  # 30 Dec - 2 Jan 2009
    return _days(_day(d1, str(first), start_year), _day(d2 or d1, str(last), year2))


def _numeric_months(m: re.Match[str]) -> DateSpan | str:
    month1, year1, month2, year2 = m.groups()
    first, last = (int(year1), int(month1)), (int(year2 or year1), int(month2 or month1))
    if not (1 <= first[1] <= 12 and 1 <= last[1] <= 12):
        return "not a calendar month"
    if last < first:  # (year, month): "12/2006 - 01/2007" is in order
        return "end date before start date"
    return DateSpan(date(*first, 1), _month_end(*last), "month")


def parse_date_span(text: str) -> DateSpan | str:
    """Read a Date value: a span, or a short reason why it cannot be read.

    >>> parse_date_span("May-October 2017")
    DateSpan(start=datetime.date(2017, 5, 1), end=datetime.date(2017, 10, 31), precision='month')
    """
    value = _WEEKDAY.sub("", _TRAILING_NOTE.sub("", _LEAD.sub("", " ".join(text.split()))))
    if "-" in value and _ISO_DAY.search(value):
        value = _ISO_DAY.sub(r"\3/\2/\1", value)
    if m := _DAY_RANGE.match(value):
        return _day_span(m)
    if m := _COMPACT_RANGE.match(value):
        d1, d2, month, year = m.groups()
        return _days(_day(d1, month, year), _day(d2, month, year))
    if m := _MONTH_RANGE.match(value):
        return _month_span(m)
    if m := _NAMED_DAYS.match(value):
        return _named_days(m)
    if m := _MONTH_FIRST.match(value):
        month, d1, d2, year = m.groups()
        number = _MONTHS.get(month.lower())
        if number is None:
            return "unknown month name"
        return _days(_day(d1, str(number), year), _day(d2 or d1, str(number), year))
    if m := _NUMERIC_MONTHS.match(value):
        return _numeric_months(m)
    if m := _YEAR_RANGE.match(value):
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if last < first:
            return "end year before start year"
        return DateSpan(date(first, 1, 1), date(last, 12, 31), "year")
    return "not a date format the site used"
