"""motcua: administrative procedures end to end (catalog, one-stop dossiers, data exchange, feedback, oversight)."""

__version__ = "0.1.0"
