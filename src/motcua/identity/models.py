"""Tables of identity: the account's e-identification (provider, level) and the append-only sign-in log.

Written only by :mod:`motcua.identity.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.eventlog import AppendOnlyError as AppendOnlyError  # re-exported: one for every log


class Level(models.IntegerChoices):
    """VNeID e-identification levels (Decree 69/2024/NĐ-CP Art. 12; domain.md §4): level 2 (biometrics, registered
    in person) is equivalent to presenting the chip-based ID card; level 1 is weaker."""

    ONE = 1, _("Mức 1")
    TWO = 2, _("Mức 2")


class IdentityAccount(models.Model):
    """How a citizen's account was last identified: by which provider, at which level, as which subject.

    ``personal_id`` is the 12-digit personal identification number the provider vouched for (empty when the provider
    gave none). One row per user, updated at each e-identified sign-in; the history is :class:`SignIn`.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity")
    provider = models.CharField(max_length=30)
    subject = models.CharField(max_length=255, blank=True, help_text="The provider's stable id of the person (sub).")
    personal_id = models.CharField(max_length=12, blank=True, db_index=True)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    verified_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(level__in=[1, 2]), name="identity_level_1_or_2"),
            models.UniqueConstraint(fields=["provider", "subject"], condition=~models.Q(subject=""),
                                    name="identity_provider_subject_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.provider} L{self.level}"


class SignInQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Sign-in records are append-only.")

    def delete(self):
        raise AppendOnlyError("Sign-in records are append-only.")


class SignIn(models.Model):
    """One e-identified sign-in (append-only): who, through which provider, at which level, when, from where."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(max_length=30)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    at = models.DateTimeField()
    ip = models.CharField(max_length=45, blank=True)
    demo = models.BooleanField(default=False, help_text="Signed in through the demo provider (not a real identity).")

    objects = SignInQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "at"], name="identity_signin_user_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.provider} L{self.level} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Sign-in records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Sign-in records are append-only.")
