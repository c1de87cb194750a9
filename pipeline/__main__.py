"""`python -m pipeline` is the `jparchive` command."""

from pipeline.cli import main

main()
