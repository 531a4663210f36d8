import atexit
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site with a task worker beside it (the embedded, one-machine set-up)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        worker = subprocess.Popen(
            [sys.executable, "-m", "metrohub", "db_worker", "--interval", "1"]
        )
        atexit.register(worker.terminate)
        self.stdout.write(f"Task worker started (pid {worker.pid}).")
        self.stdout.write(f"Metrohub: http://{addrport}/   API: http://{addrport}/api/v1/docs")
        call_command("runserver", addrport, use_reloader=False)
