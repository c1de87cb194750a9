"""The text of the documents pages link to (PDF, DOC, DOCX, RTF, XLS, PPT...), read
safely.

    read.py     one document's text, title, language and pages, by its type (child only)
    sandbox.py  documents read one by one in a child process with time and memory limits
    child.py    that child (`python -m pipeline.documents.child`)

Imports no other package of jparchive: bytes in, `Extracted` out. The build
(`pipeline.build.documents`) reads the archived documents through it.
"""

from pipeline.documents.read import Extracted, kind_of
from pipeline.documents.sandbox import Sandbox

__all__ = ["Extracted", "Sandbox", "kind_of"]
