"""Names of people and lists of things, as typed into the site's free-text cells."""

from __future__ import annotations

import re

_NAME_SEPARATORS = re.compile(r"\s*(?:[,;\n]|\band\b|&)\s*")
_LIST_SEPARATORS = re.compile(r"\s*(?:\s/\s|;|\n)\s*")
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_EMAIL = re.compile(rf"^{_LOCAL}(?:\.{_LOCAL})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")


def split_names(text: str) -> list[str]:
    """People named in a cell: split on commas, semicolons, line breaks and "and".

    >>> split_names("M. Gercke, C. Schulman and V. Stanca;")
    ['M. Gercke', 'C. Schulman', 'V. Stanca']
    """
    return [part.strip() for part in _NAME_SEPARATORS.split(text) if part.strip(" .")]


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
