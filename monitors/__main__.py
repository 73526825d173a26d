"""`python -m monitors` is the `dualwatch` command."""

from monitors.cli import main

main()
