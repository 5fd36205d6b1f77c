"""Generated official documents (monthly report)."""
