"""What every room uses: configuration, errors, durations, logging, the version."""
