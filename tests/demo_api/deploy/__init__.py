"""Helpers for tests/demo_api/test_deploy.py."""
