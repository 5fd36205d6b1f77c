"""``motcua exchange <subcommand>``: signed messages between deployments (issue 4 point 9).

- ``keygen [--force]``: create this deployment's Ed25519 signing key (``MOTCUA_SIGNING_KEY_FILE``); prints the
  public key to give to peers.
- ``whoami``: this deployment's id (``MOTCUA_DEPLOYMENT_ID``) and public key.
- ``peer ID URL PUBLIC_KEY [--agencies BCA,BHXH] [--name …]``: add or update a peer.
- ``peers``: list peers.
- ``send [--loop] [--interval S]``: deliver the due outbox messages once, or keep doing so.
- ``status``: outbox and inbox counts.
- ``log [--limit N]``: the latest message-log entries; ``verify``: check the log's hash chain (exit 1 if broken).
"""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from motcua.exchange.messaging import keys, services
from motcua.exchange.messaging.models import InboxMessage, MessageLog, OutboxMessage, Peer


class Command(BaseCommand):
    help = "Signed messages between deployments: keygen, whoami, peer, peers, send, status, log, verify."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=type(parser), metavar="SUBCOMMAND")
        kw = {"called_from_command_line": getattr(parser, "called_from_command_line", False)}
        keygen = sub.add_parser("keygen", help="Create the signing key.", **kw)
        keygen.add_argument("--force", action="store_true", help="Replace an existing key.")
        sub.add_parser("whoami", help="Deployment id and public key.", **kw)
        peer = sub.add_parser("peer", help="Add or update a peer.", **kw)
        peer.add_argument("deployment_id")
        peer.add_argument("url")
        peer.add_argument("public_key")
        peer.add_argument("--agencies", default="", help="Comma-separated agency codes the peer owns.")
        peer.add_argument("--name", default="")
        peer.add_argument("--inactive", action="store_true")
        sub.add_parser("peers", help="List peers.", **kw)
        send = sub.add_parser("send", help="Deliver due outbox messages.", **kw)
        send.add_argument("--loop", action="store_true", help="Keep sending.")
        send.add_argument("--interval", type=float, default=2.0, help="Seconds between runs with --loop.")
        sub.add_parser("status", help="Outbox and inbox counts.", **kw)
        log = sub.add_parser("log", help="Latest message-log entries.", **kw)
        log.add_argument("--limit", type=int, default=50)
        sub.add_parser("verify", help="Check the message log's hash chain.", **kw)

    def handle(self, *args, subcommand: str, **options) -> None:
        getattr(self, f"do_{subcommand}")(options)

    def do_keygen(self, options: dict) -> None:
        try:
            public = keys.generate(overwrite=options["force"])
        except FileExistsError as exists:
            raise CommandError(str(exists)) from None
        self.stdout.write(f"{keys.key_file()}\n{public}")

    def do_whoami(self, options: dict) -> None:
        try:
            public = keys.public_key_text()
        except keys.KeyMissing as missing:
            raise CommandError(str(missing)) from None
        self.stdout.write(json.dumps({"deployment_id": services.local_id(), "public_key": public}))

    def do_peer(self, options: dict) -> None:
        problem = keys.public_key_error(options["public_key"])
        if problem:
            raise CommandError(f"public key: {problem}")
        if options["deployment_id"] == services.local_id():
            raise CommandError("A deployment is not its own peer.")
        try:
            keys.private_key()
        except keys.KeyMissing as missing:  # messages to a peer must be signed: no peer without a key
            raise CommandError(f"{missing} Create it before adding peers.") from None
        agencies = [a.strip() for a in options["agencies"].split(",") if a.strip()]
        peer, created = Peer.objects.update_or_create(
            deployment_id=options["deployment_id"],
            defaults={"url": options["url"], "public_key": options["public_key"], "agencies": agencies,
                      "name": options["name"], "active": not options["inactive"]})
        services.log("out", "peer_added" if created else "peer_updated", peer=peer.deployment_id,
                     detail=json.dumps({"url": peer.url, "agencies": agencies, "public_key": peer.public_key}))
        self.stdout.write(f"{'Added' if created else 'Updated'} peer {peer.deployment_id} ({peer.url}): "
                          f"{', '.join(agencies) or 'no agencies'}")

    def do_peers(self, options: dict) -> None:
        for peer in Peer.objects.all():
            self.stdout.write(f"{peer.deployment_id}\t{peer.url}\t{','.join(peer.agencies)}\t"
                              f"{'active' if peer.active else 'inactive'}\t{peer.public_key}")

    def do_send(self, options: dict) -> None:
        while True:
            counts = services.send_due()
            self.stdout.write(json.dumps(counts))
            self.stdout.flush()
            if not options["loop"]:
                return
            time.sleep(max(0.05, options["interval"]))

    def do_status(self, options: dict) -> None:
        outbox = dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id")))
        self.stdout.write(json.dumps({"deployment_id": services.local_id(), "outbox": outbox,
                                      "inbox": InboxMessage.objects.count(), "log": MessageLog.objects.count()}))

    def do_log(self, options: dict) -> None:
        for entry in reversed(MessageLog.objects.order_by("-id")[: options["limit"]]):
            self.stdout.write(f"{entry.at:%Y-%m-%d %H:%M:%S} {entry.direction:3} {entry.outcome:10} {entry.peer:12} "
                              f"{entry.kind:22} {entry.message_id} {entry.detail}")

    def do_verify(self, options: dict) -> None:
        broken = services.verify_log()
        if broken is not None:
            raise CommandError(f"Message log broken at entry {broken.pk} ({broken}).")
        self.stdout.write(f"Message log intact: {MessageLog.objects.count()} entries.")
