"""What a page needs to look as it did (its requisites: stylesheets, images, scripts,
frames) and what it loads in turn: found purely in `find`, harvested by every source
through the job (`pipeline.harvest.job`).

Pure: it imports only `parsers` (decoding, the page limits), `pipeline.urls` (what a
document's extension is), selectolax and tinycss2;
nothing of the pipeline's I/O (archive, fetch, sources, harvest) imports it but the job.
"""

from pipeline.requisites.find import (
    document_anchors,
    document_links,
    page_links,
    page_requisites,
    stylesheet_requisites,
)

__all__ = [
    "document_anchors",
    "document_links",
    "page_links",
    "page_requisites",
    "stylesheet_requisites",
]
