from django.core.management.base import BaseCommand

from metrohub.accounts.demo import DEMO_PASSWORD, USERS
from metrohub.core.demo import build_demo


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo world. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="do not print the logins")
        parser.add_argument("--logins-only", action="store_true", help="only print the logins")

    def handle(self, *args, quiet=False, logins_only=False, **options):
        if not logins_only:
            build_demo()
        if quiet:
            return
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, name, role, _org, _division in USERS:
            self.stdout.write(f"  {username:<15} {role.label:<24} {name}")
