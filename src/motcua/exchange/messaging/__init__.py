"""Signed messages between deployments."""
