"""What every `jparchive` command shares: the group, `--data`, and expected errors mapped
to one line and an exit code.

Exit codes: 0 everything succeeded; 1 the run finished but some items failed (listed in
the report and summarised); 2 usage or configuration error; 3 stopped because the server
kept rate-limiting us (rerun the same command later to resume).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from pipeline import __version__, stopping
from pipeline.errors import ArchiveError, ConfigError, Interrupted

F = TypeVar("F", bound=Callable[..., Any])
EXIT_CODES = """\b
Exit codes:
  0  everything succeeded
  1  finished, but some items failed (see the report), or the disk would not take more
  2  usage or configuration error (bad flags, a missing archive, the wrong kind of
     file, another process writing to the same --data)
  3  stopped by rate limiting; rerun the same command to resume
  130, 143  interrupted by Ctrl-C or SIGTERM: stopped cleanly; rerun to resume"""

data_option = click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data"),
    show_default=True,
    help="Data root: raw/ (WARC + index), parquet/, reports/.",
)


def _fail(exc: ArchiveError) -> None:
    click.echo(f"Error: {type(exc).__name__}: {exc}", err=True)
    sys.exit(2 if isinstance(exc, ConfigError) else 1)


def expected_errors(fn: F) -> F:
    """Print expected errors on one line; unexpected ones keep their traceback (bugs).

    Ctrl-C and SIGTERM stop the command with 130 or 143 within two seconds, whatever it
    is doing (`pipeline.stopping`; a harvest says more in its summary: it turns them
    into a stop of its own)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        stopping.handle_stop_signals()
        try:
            return fn(*args, **kwargs)
        except ArchiveError as exc:
            _fail(exc)
        except (KeyboardInterrupt, Interrupted) as exc:
            stop = exc if isinstance(exc, Interrupted) else Interrupted(signal.SIGINT)
            click.echo(stopping.message(stop.signum), err=True)
            stopping.said()
            sys.exit(stop.exit_code)

    return wrapper  # type: ignore[return-value]


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXIT_CODES,
)
@click.version_option(__version__, prog_name="jparchive")
def main() -> None:
    """Harvest and archive the Council of Europe Joint Programmes site (www.jp.coe.int).

    \b
    A typical run on the embedded fixture site:
      jparchive serve-fixtures --port 8000 &
      jparchive harvest --base-url http://127.0.0.1:8000 --ids @fixtures/site/ids.txt --rate 20
      jparchive build
    """
