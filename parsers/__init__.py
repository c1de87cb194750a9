"""Pure parsers for pages of the Joint Programmes site: bytes in, typed records out.

One subpackage per page kind (`activity/`, `logframe/`), over shared helpers: `dom`
(the tree and its text), `rows` (a page as label/value rows), `encoding` (bytes to text
as browsers do), `dates`, `countries`, `people` (the site's free-text forms), `issues`
(ParseIssue).
Nothing here does I/O or imports `pipeline`.

>>> from parsers import parse_activity
>>> from pathlib import Path
>>> record = parse_activity(Path("fixtures/site/CEAD/activities/18356.html").read_bytes())
>>> record.to_dict()["programme_code"]
'PACO-Serbia'
"""

from parsers.activity import parse_activity
from parsers.activity.record import FIELD_NAMES, ActivityRecord, CountryEntry, NotAnActivity
from parsers.issues import ParseIssue
from parsers.logframe import parse_logframe
from parsers.logframe.record import ExpectedResult, LogframeRecord, NotALogframe, ProjectPurpose

# Raised whenever records change for the same bytes, so a build can tell what to re-parse.
# 2: list items as lines, stacked labels, headings between tables, more date/place forms.
# 3: two label/value pairs in one row, one field a line in one cell, more spellings of
#    labels, dates and countries; text renderings (no markup) read by the site's label order.
# 4: a <div> starts a line, not a paragraph; a bold label above a table of lines in one
#    cell; no lone ":" cell in a nested list; a quoted ">" in a cell tag; a cell holding
#    only an arrow or star between label and value; spacer columns; text around a
#    table in a value cell; what a script writes as literal text (a hidden address);
#    relative links made whole with the page's address; more forms of dates, counts,
#    codes, places and names.
# 5: numbered rows with no label ("1 | http://...") go on with an empty label above them;
#    pages past `parsers.limits` are refused unread; scripts left open hide the rest.
PARSER_VERSION = "5"

__all__ = [
    "FIELD_NAMES",
    "PARSER_VERSION",
    "ActivityRecord",
    "CountryEntry",
    "ExpectedResult",
    "LogframeRecord",
    "NotALogframe",
    "NotAnActivity",
    "ParseIssue",
    "ProjectPurpose",
    "parse_activity",
    "parse_logframe",
]
