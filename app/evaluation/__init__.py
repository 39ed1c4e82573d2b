"""Evaluation: the eval dataset format and the metrics computed over a run's result records."""
