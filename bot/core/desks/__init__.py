"""Coordination desks: routing cases to desks, outcomes, statistics and exports."""
