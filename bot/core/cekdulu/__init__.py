"""Cek Dulu: checking a job offer against red flags, destinations and the agency register."""
