"""`make demo`'s job (`python -m pipeline.demo`): the fixture site harvested with its
listings and logframes, built, handed on as a WACZ, and the way to browse the result
printed last."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq


def test_demo_builds_the_fixture_site_and_says_how_to_browse_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    out = subprocess.run([sys.executable, "-m", "pipeline.demo", "--data", str(data)],
                         capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[-1] == (
        f"browse them: jparchive serve --data {data}   (then open http://127.0.0.1:8001/)"
    )
    assert "35 logframe views" in out.stdout
    assert pq.read_metadata(data / "parquet" / "activities.parquet").num_rows == 41
    assert (data / "jparchive.db").exists()
    # the README's verify example is the demo's own audit, as it prints it now
    [audit] = [line for line in lines if line.startswith("verify: ")]
    assert audit.endswith(": sound")
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"$ jparchive verify --data data\n{audit}\n" in readme, audit
    # and it hands the archive on as a WACZ that py-wacz validates, and says how to open it
    assert lines[-7].startswith(f"wacz: {data / 'jparchive.wacz'}: 119 pages")
    assert "ReplayWeb.page" in lines[-6] and "wb-manager add --unpack-wacz" in lines[-6]
    # and cites every activity in the three formats (tests/test_exports.py reads them),
    # and exports those IATI can take (one has no date) as IATI (tests/test_iati.py)
    assert lines[-5:-1] == [f"export: {n} activities as {fmt} in {data / name}" for n, fmt, name
                            in ((41, "csl-json", "citations.json"), (41, "bibtex", "citations.bib"),
                                (41, "ris", "citations.ris"), (40, "iati", "iati.xml"))]  # fmt: skip
    wacz = Path(__file__).resolve().parents[1] / ".venv-pywb" / "bin" / "wacz"
    check = subprocess.run([str(wacz), "validate", "-f", str(data / "jparchive.wacz")],
                           capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
