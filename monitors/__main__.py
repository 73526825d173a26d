"""`python -m monitors` is the `dualwatch` command."""

import gc

from monitors.cli.commands import main

try:
    main()
finally:
    # Shutdown need not garbage-collect what the command created (the OS frees it).
    gc.freeze()
