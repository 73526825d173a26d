"""Control lists as data: list specs, row extraction from announcements, list events."""
