"""Names of people and lists of things, as typed into the site's free-text cells."""

from __future__ import annotations

import re

from parsers.countries import country_code

_NAME_SEPARATORS = re.compile(r"\s*(?:[,;\n]|\band\b|&)\s*")
_LIST_MARKER = re.compile(r"^(?:\d{1,2}[.)]|[-–•*·])\s+")  # "1. ", "- " opening a list line
# A value that says there is none: "N/A", "tbc", "-".
PLACEHOLDER = re.compile(r"^\s*(?:n/?a|-+|–|tbc|tbd|none|unknown|\.+)\s*$", re.I)
_LIST_SEPARATORS = re.compile(r"\s*(?:\s/\s|;|\n)\s*")
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_EMAIL = re.compile(rf"^{_LOCAL}(?:\.{_LOCAL})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")


def split_names(text: str) -> list[str]:
    """People named in a cell: split on commas, semicolons, line breaks and "and"; list
    markers ("1.", "-") dropped; a country after a name stays with it; a placeholder
    ("N/A", "tbc") names nobody.

    >>> split_names("M. Gercke, C. Schulman and V. Stanca;")
    ['M. Gercke', 'C. Schulman', 'V. Stanca']
    >>> split_names("1. Markko KÜNNAPU, Estonia\\n2. Cristina SCHULMAN, Romania")
    ['Markko KÜNNAPU, Estonia', 'Cristina SCHULMAN, Romania']
    """
    if PLACEHOLDER.match(text):
        return []
    names: list[str] = []
    for part in _NAME_SEPARATORS.split(text):
        name = _LIST_MARKER.sub("", part.strip())
        if not name.strip(" ."):
            continue
        if names and country_code(name):  # "KÜNNAPU, Estonia": where the expert is from
            names[-1] = f"{names[-1]}, {name}"
        else:
            names.append(name)
    return names


def split_list(text: str) -> list[str]:
    """Entries of an Organisations/Contributors/Partners cell: split on ` / `, `;`, lines.

    >>> split_list("Turkey - Other / European Union")
    ['Turkey - Other', 'European Union']
    """
    return [part.strip() for part in _LIST_SEPARATORS.split(text) if part.strip()]


def valid_email(address: str) -> str | None:
    """The address when it is a usable e-mail address, else None.

    >>> valid_email("jean-charles.decordes@coe.int"), valid_email(".@coe.int")
    ('jean-charles.decordes@coe.int', None)
    """
    address = address.strip()
    return address if _EMAIL.match(address) else None
