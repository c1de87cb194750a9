"""The smaller faults issue 13 found: each exits as documented and says what it did."""

from __future__ import annotations

from pathlib import Path

from pipeline.fetch import FetchPolicy
from pipeline.harvest import HarvestConfig, harvest
from tests.conftest import run_cli
from tests.servers import Behaviour, Fail, FaultServer, Redirect, free_port


def test_an_unreachable_wayback_url_is_a_configuration_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = run_cli("harvest", "--source", "wayback", "--wayback-url", url, "--retries", "0",
                     "--data", str(tmp_path), "--no-progress")  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"Error: ConfigError: --wayback-url: {url} did not answer")


def test_reversed_or_impossible_years_are_refused(tmp_path: Path) -> None:
    backwards = run_cli("harvest", "--source", "wayback", "--from", "2012", "--to", "2006",
                        "--data", str(tmp_path))  # fmt: skip
    assert (backwards.returncode, backwards.stderr) == (
        2,
        "Error: ConfigError: --from 2012 is after --to 2006; swap them\n",
    )
    early = run_cli("harvest", "--source", "wayback", "--from", "1066", "--data", str(tmp_path))
    assert early.returncode == 2 and "give a year from 1996 on" in early.stderr


def test_a_rerun_with_nothing_to_do_asks_nothing_and_writes_no_file(tmp_path: Path) -> None:
    policy = FetchPolicy(rate=0, contact="tests@localhost")
    with FaultServer() as server:
        config = HarvestConfig(base_url=server.url, data=tmp_path, policy=policy, ids=(1, 2),
                               progress=False)  # fmt: skip
        harvest(config)
        files = sorted((tmp_path / "raw").glob("*.warc.gz"))
        asked = len(server.log)
        again = harvest(config)
        assert len(server.log) == asked  # not even robots.txt
    assert sorted((tmp_path / "raw").glob("*.warc.gz")) == files
    # two IDs, each under both its URLs (the variants)
    assert (again.requests, again.this_run["done"], again.done, again.exit_code) == (0, 0, 4, 0)
    assert again.summary().startswith("harvest: 0 done, 0 failed, 0 skipped by robots.txt this run")


def test_redirect_hops_are_not_counted_as_tries(tmp_path: Path) -> None:
    behaviours: dict[int, Behaviour] = {
        8: Redirect(location="/CEAD/Countries.asp?ID=9&ActSyn=True"),
        9: Fail(status=500, times=99),
    }
    policy = FetchPolicy(rate=0, retries=1, backoff=0, contact="tests@localhost")
    with FaultServer(behaviours) as server:
        report = harvest(HarvestConfig(base_url=server.url, data=tmp_path, policy=policy,
                                       ids=(8,), progress=False,
                                       variants=False))  # fmt: skip
    [failure] = report.failures
    assert failure["error"] == "HTTP 500 after 2 attempts"  # the hop to ID 9 is no try
    assert failure["attempts"] == 3  # three requests made, all archived


def test_a_harvest_runs_off_the_main_thread_too(tmp_path: Path) -> None:
    import threading

    results: list[int] = []
    with FaultServer() as server:
        config = HarvestConfig(base_url=server.url, data=tmp_path, ids=(1,), progress=False,
                               policy=FetchPolicy(rate=0, contact="tests@localhost"))  # fmt: skip
        worker = threading.Thread(target=lambda: results.append(harvest(config).exit_code))
        worker.start()
        worker.join(60)
    assert results == [0]
