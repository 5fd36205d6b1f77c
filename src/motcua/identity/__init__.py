"""Identity providers (OpenID Connect, demo)."""
