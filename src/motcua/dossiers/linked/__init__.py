"""Linked groups of dossiers across agencies and deployments (Decree 63/2024; issue 4 point 8): the messages a group
sends between deployments are handled here (:mod:`.handlers`, registered with ``motcua.exchange.messaging``).
"""
