"""Business logic with no HTTP in it: weather providers, the cache and the reports store."""
