"""Understanding questions and choosing answers (matcher, learned model, small talk)."""
