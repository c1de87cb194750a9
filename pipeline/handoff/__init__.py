"""Handing the archive to others: `wacz` writes it as one WACZ file (WARCs, a CDXJ index,
the page list, and optionally the tables) that replay tools open.

May import the archive (`pipeline.archive`, read-only) and reads the built tables'
files; never imports the harvest, the sources, the fetcher, queries, the web app or the
CLI.
"""

from pipeline.handoff.wacz import WaczReport, write_wacz

__all__ = ["WaczReport", "write_wacz"]
