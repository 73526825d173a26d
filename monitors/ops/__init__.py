"""Running unattended: the daemon, its schedule, crawl children, locks, source health."""
