"""The harvest job: a source's pages fetched (or read) politely into the archive.

    config.py   HarvestConfig: what one run is asked to do, validated on creation
    job.py      harvest(config): the source plans, workers take its items, the report
    report.py   HarvestReport, its summary line and exit code
    ids.py      --ids specs (ranges, lists, @files)

May import `pipeline.sources`, `pipeline.fetch`, `pipeline.archive` and `pipeline.urls`;
never the build, queries or the CLI. It never asks which source it runs.
"""

from pipeline.harvest.config import HarvestConfig, warcinfo
from pipeline.harvest.job import Job, harvest
from pipeline.harvest.report import EXIT_FAILURES, EXIT_OK, EXIT_RATE_LIMITED, HarvestReport

__all__ = [
    "EXIT_FAILURES",
    "EXIT_OK",
    "EXIT_RATE_LIMITED",
    "HarvestConfig",
    "HarvestReport",
    "Job",
    "harvest",
    "warcinfo",
]
