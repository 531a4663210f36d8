from django.core.management.base import BaseCommand

from metrohub.certificates import keys
from metrohub.certificates.models import SigningKey


class Command(BaseCommand):
    help = (
        "Signing keys of the DCC signatures: `rotate` adds a new key (earlier signatures stay "
        "valid, their keys stay published); `list` shows the public keys and their periods."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rotate", "list"])

    def handle(self, *args, action, **options):
        if action == "rotate":
            key = keys.rotate()
            self.stdout.write(
                f"new signing key {key.key_id} (Ed25519), private key in {keys.keys_dir()}"
            )
            return
        for key in SigningKey.objects.order_by("valid_from"):
            until = key.valid_until.isoformat() if key.valid_until else "current"
            self.stdout.write(
                f"{key.key_id}  {key.valid_from.isoformat()} – {until}  {key.public_key}"
            )
