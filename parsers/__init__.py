"""Pure parsers for pages of the Joint Programmes site: bytes in, typed records out.

>>> from parsers import parse_activity
>>> record = parse_activity(open("fixtures/site/CEAD/activities/18356.html", "rb").read())
>>> record.to_dict()["programme_code"]
'PACO-Serbia'
"""

from parsers.activity import parse_activity
from parsers.record import FIELD_NAMES, ActivityRecord, CountryEntry, NotAnActivity, ParseIssue

PARSER_VERSION = "1"

__all__ = [
    "FIELD_NAMES",
    "PARSER_VERSION",
    "ActivityRecord",
    "CountryEntry",
    "NotAnActivity",
    "ParseIssue",
    "parse_activity",
]
