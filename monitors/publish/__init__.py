"""What dualwatch publishes besides email: Atom feeds."""
