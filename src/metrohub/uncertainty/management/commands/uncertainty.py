"""`metrohub uncertainty evaluate FILE.json [--method gum|mcm|both] [--json]`: the engine's CLI."""

import argparse
import sys

from django.core.management.base import BaseCommand

from metrohub.uncertainty import cli


class Command(BaseCommand):
    help = (
        "Evaluate a measurement uncertainty budget file (JJF 1059.1 GUM, JJF 1059.2 Monte Carlo): "
        "uncertainty evaluate FILE.json [--method gum|mcm|both] [--json]. Exits 2 on a malformed "
        "file, naming the JSON path that is wrong."
    )
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("argv", nargs=argparse.REMAINDER, help="evaluate FILE.json [...]")

    def handle(self, *args, **options):
        # cli.main prints with print(); give it the raw streams, not Django's line wrappers.
        stdout = getattr(self.stdout, "_out", self.stdout)
        stderr = getattr(self.stderr, "_out", self.stderr)
        code = cli.main(list(options["argv"]), stdout=stdout, stderr=stderr)
        if code:
            sys.exit(code)
