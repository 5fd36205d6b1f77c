"""Importers: pure functions turning a source's records into ``ProcedureRecord`` objects (no database access)."""
