"""Tip-off reports: the draft and its rules, case codes, identifiers and case status."""
