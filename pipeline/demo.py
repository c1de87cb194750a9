"""`make demo`: serve the fixture site, harvest it over HTTP (with what its pages load and
the documents they link), import an earlier crawl, build the tables (the documents'
text read), audit the archive (`verify`), write it as a WACZ a replay tool opens, cite
every activity in CSL-JSON, BibTeX and RIS, export them as IATI 2.03, summarise."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.archive.verify import verify
from pipeline.build import BuildConfig, build
from pipeline.exports import ExportConfig, export, write_out
from pipeline.fetch.policy import FetchPolicy
from pipeline.fixtures.earlier import write_earlier_crawl
from pipeline.fixtures.server import SITE, FixtureServer
from pipeline.handoff import write_wacz
from pipeline.harvest import HarvestConfig, harvest
from pipeline.harvest.ids import parse_id_spec


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("data"))
    args = parser.parse_args()
    ids = tuple(parse_id_spec(f"@{SITE / 'ids.txt'}"))
    with FixtureServer() as server:
        print(f"fixture site: {server.url} ({len(ids)} IDs to fetch)")
        config = HarvestConfig(
            base_url=server.url,
            data=args.data,
            ids=ids,
            discover=True,  # the listings and logframes too: programmes, budgets, coverage
            # the documents the pages link to, from the fixture site only (never the web)
            documents=True,
            document_hosts=frozenset({"127.0.0.1"}),
            progress=False,
            policy=FetchPolicy(rate=50, concurrency=4, contact="make-demo@localhost"),
            command_line=shlex.join(["python", "-m", "pipeline.demo", "--data", str(args.data)]),
        )
        fetched = harvest(config)
    print(fetched.summary())
    # an earlier crawl, as another institution's WARC: older versions of two pages
    earlier = write_earlier_crawl(args.data / "earlier-crawl.warc.gz")
    imported = harvest(
        HarvestConfig(
            base_url="http://www.jp.coe.int",
            data=args.data,
            source="warc",
            files=(earlier,),
            progress=False,
            policy=config.policy,
            command_line=f"jparchive harvest --source warc {earlier} --data {args.data}",
        )
    )
    print(imported.summary())
    built = build(BuildConfig(data=args.data, progress=False))
    print(built.summary())
    rows = pq.read_metadata(Path(built.output) / "activities.parquet").num_rows
    print(f"wrote {rows} activities to {args.data / 'parquet' / 'activities.parquet'}")
    audit = verify(args.data)  # the fixity audit, as `jparchive verify --data DATA` runs it
    print(audit.summary())
    if not audit.sound:
        print("\n".join(audit.lines()))
        return 1
    package = write_wacz(args.data, args.data / "jparchive.wacz")
    print(package.summary())
    print(
        f"open it in ReplayWeb.page (https://replayweb.page, 'Choose File') or pywb "
        f"(wb-manager add --unpack-wacz COLLECTION {package.path})"
    )
    for fmt, name in (("csl-json", "citations.json"), ("bibtex", "citations.bib"),
                      ("ris", "citations.ris"), ("iati", "iati.xml")):  # fmt: skip
        text, count, _ = export(ExportConfig(data=args.data, fmt=fmt))
        write_out(text, args.data / name)
        print(f"export: {count} activities as {fmt} in {args.data / name}")
    print(f"browse them: jparchive serve --data {args.data}   (then open http://127.0.0.1:8001/)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
