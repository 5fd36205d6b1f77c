"""Oversight: facts, service index, reviews, bottlenecks, workload."""
