"""`metrohub catalogue import|export|template`: the capability catalogue from the command line."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from metrohub.catalogue import importing
from metrohub.catalogue.models import CapabilityLine
from metrohub.catalogue.services import import_rows
from metrohub.centers.models import Center


class Command(BaseCommand):
    help = "Import, export or get the Excel template of a center's capability catalogue."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="check a file, then import it (all rows or none)")
        imp.add_argument("file")
        imp.add_argument("--center", required=True, help="center code, such as CQ-AUTO")
        imp.add_argument("--valid-only", action="store_true", help="import the valid rows only")
        imp.add_argument("--as", dest="username", help="act as this user (default: system)")
        imp.add_argument(
            "--max-rows",
            type=int,
            default=importing.MAX_ROWS,
            help=f"refuse a file of more rows (default {importing.MAX_ROWS:,})",
        )
        exp = sub.add_parser("export", help="write a center's lines to .xlsx, .csv or .json")
        exp.add_argument("file")
        exp.add_argument("--center", required=True)
        tpl = sub.add_parser("template", help="write the empty Excel template")
        tpl.add_argument("file")

    def handle(self, *args, action, file, **options):
        if action == "template":
            Path(file).write_bytes(importing.xlsx_bytes())
            self.stdout.write(file)
            return
        center = Center.objects.filter(code=options["center"].upper()).first()
        if center is None:
            raise CommandError(f"No center with code {options['center']}.")
        if action == "export":
            self._export(center, Path(file))
            return
        actor = None
        if options.get("username"):
            actor = get_user_model().objects.filter(username=options["username"]).first()
            if actor is None:
                raise CommandError(f"No user {options['username']}.")
        path = Path(file)
        try:
            rows = importing.read_rows(
                path.read_bytes(), filename=path.name, max_rows=options["max_rows"]
            )
        except (OSError, importing.FileError) as exc:
            raise CommandError(str(exc)) from exc
        try:
            result = import_rows(
                actor=actor,
                center=center,
                rows=rows,
                valid_only=options["valid_only"],
                source=path.name,
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        for issue in result.issues:
            column = f"{importing.letter(issue.column)} {issue.header}" if issue.column else "-"
            self.stderr.write(
                f"row {issue.row}, column {column}, value “{issue.value}”: {issue.message}"
            )
        self.stdout.write(
            f"{result.rows} rows: {result.created} new, {result.updated} changed, "
            f"{result.unchanged} unchanged; {len(result.bad_rows)} rejected"
        )
        if result.issues and not result.written and not options["valid_only"]:
            raise CommandError("Nothing was written: the file has errors.")

    def _export(self, center, path: Path) -> None:
        lines = CapabilityLine.objects.filter(center=center).select_related("center")
        lines = list(lines.order_by("area", "measurand_key", "pk"))
        suffix = path.suffix.lower()
        if suffix == ".csv":
            path.write_text(importing.csv_text(importing.export_rows(lines)), encoding="utf-8")
        elif suffix == ".json":
            path.write_text(importing.json_text(lines), encoding="utf-8")
        else:
            path.write_bytes(importing.xlsx_bytes(importing.export_rows(lines)))
        self.stdout.write(f"{len(lines)} lines → {path}")
