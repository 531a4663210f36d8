from django.core.management.base import BaseCommand, CommandError

from metrohub.rulepacks.loader import check


class Command(BaseCommand):
    help = "Rule packs: `check` validates every pack (or the files given) and names each error's file and key."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        checking = sub.add_parser("check", help="validate packs")
        checking.add_argument(
            "paths", nargs="*", help="pack files or directories (default: the shipped packs)"
        )

    def handle(self, *args, action, paths=(), **options):
        packs, errors = check(list(paths) or None)
        for error in errors:
            self.stderr.write(str(error))
        if errors:
            raise CommandError(f"{len(errors)} error(s) in rule packs.", returncode=1)
        self.stdout.write(
            f"OK: {len(packs)} rule pack(s) valid: " + ", ".join(sorted(p.key for p in packs))
        )
