"""The "Activity Details" page: `parse_activity(html, url)` and the readers behind it.

    page.py       parse_activity: bytes → rows → sections → record (the order of work)
    sections.py   the site's labels and sections, and the walk that files rows under them
    fields.py     one `extract_<field>` per field, each a fallback chain over filed rows
    plaintext.py  pages kept only as text (one table row a line)
    record.py     ActivityRecord, CountryEntry, NotAnActivity

May import the shared helpers of `parsers` (dom, rows, encoding, dates, countries,
people, issues); nothing of `pipeline`.
"""

from parsers.activity.page import parse_activity, record_from_rows

__all__ = ["parse_activity", "record_from_rows"]
