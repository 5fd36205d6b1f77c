"""What the dossier services raise: the caller (API, pages) turns each into its 4xx answer."""

from __future__ import annotations

from typing import Any

from .. import action_data, rules
from ..models import Dossier

ActionDataInvalid = action_data.ActionDataInvalid
RuleViolation = rules.RuleViolation


class InvalidSubmission(Exception):
    """The submission cannot be accepted; ``errors`` maps each field to what is wrong."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class DossierNotFound(Exception):
    pass


class VersionConflict(Exception):
    """Someone acted on the dossier since the caller read it; ``current`` is the dossier as it is now."""

    def __init__(self, current: Dossier, expected: int) -> None:
        self.current, self.expected = current, expected
        super().__init__(f"Dossier {current.code} is at version {current.version}, not {expected}.")


class ActorNotAllowed(Exception):
    """The actor does not hold the role it acts in, for this dossier."""


class IdempotencyKeyReused(Exception):
    """The idempotency key was already used with a different request body."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"The Idempotency-Key {key!r} was already used with a different request body.")


class UploadRejected(Exception):
    """The file cannot be added. ``rule``: empty_file, file_too_large, type_not_allowed, rejected_by_scanner,
    upload_not_allowed_in_state, unknown_required_document, storage_full (the document store has no room left)."""

    def __init__(self, rule: str, message: str, **details: Any) -> None:
        self.rule, self.details = rule, details
        super().__init__(message)
