"""Real servers (PostgreSQL, ...) that tests start for themselves on loopback."""
