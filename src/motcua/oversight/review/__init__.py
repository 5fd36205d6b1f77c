"""Reviews for simplification, cost, bottlenecks, workload."""
