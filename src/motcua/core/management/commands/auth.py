"""``motcua auth token USERNAME``: print the user's API token, creating it if needed.

Clients send it as ``Authorization: Bearer <token>`` (:class:`motcua.core.auth.BearerTokenAuthentication`).
``--rotate`` replaces an existing token (the old one stops working).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "API credentials: `motcua auth token USERNAME` prints the user's bearer token (created if needed)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        token = sub.add_parser("token", help="Print USERNAME's API token, creating it if needed.")
        token.add_argument("username")
        token.add_argument("--rotate", action="store_true", help="Replace the existing token with a new one.")

    def handle(self, *args, subcommand: str, **options) -> None:
        if subcommand == "token":
            self.stdout.write(self.token(options["username"], rotate=options["rotate"]))

    @staticmethod
    def token(username: str, *, rotate: bool = False) -> str:
        user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive.")
        with transaction.atomic():
            if rotate:
                Token.objects.filter(user=user).delete()
            token, _ = Token.objects.get_or_create(user=user)
        return token.key
