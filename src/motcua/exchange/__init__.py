"""Once-only data exchange (registries, access log, data store, linked groups)."""
