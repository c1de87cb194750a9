"""Handing the archive to others: `wacz` writes it as one WACZ file (WARCs, a CDXJ index,
the page list, and optionally the tables) that replay tools open.

Reads the archive (`pipeline.archive`, read-only) and the built tables' files; never
the harvest, the sources, the fetcher, queries, the web app or the CLI.
"""

from pipeline.handoff.wacz import WaczReport, write_wacz

__all__ = ["WaczReport", "write_wacz"]
