"""The author's loop: watch the vault, rebuild incrementally, live-reload the browser."""
