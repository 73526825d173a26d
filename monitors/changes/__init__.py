"""What changed and who must hear of it: detection, re-verification, alerts, digests."""
