"""Real database and cache servers for tests, each started in a temporary folder on loopback."""
