"""The web app: Datasette over the built tables' SQLite copy, with the researchers' pages.

    app.py       make_datasette(data) and serve(data, host, port); the plugin's routes
    pages.py     home, search, activity, capture, programme and country pages
    queries.py   the search's SQL and the checks of every parameter (400 with a reason)
    capture.py   an archived page's bytes, read through the index, under a sandboxing CSP
    metadata.py  Datasette's metadata from the table schemas (descriptions, facets)
    charts.py    SVG charts drawn on the server
    templates/, static/: the pages' HTML and CSS (nothing fetched from elsewhere)

Reads `DATA/jparchive.db` (written by the build) and, for captures, the archive read-only
(`pipeline.archive`); may import `pipeline.build.schemas` and `pipeline.build.sqlite` for
their names. Never the harvest, the sources, the fetcher or the CLI.
"""
