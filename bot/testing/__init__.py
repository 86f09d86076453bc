"""Test doubles for the Telegram Bot API: an HTTP emulator for e2e tests, demo, benchmarks."""
