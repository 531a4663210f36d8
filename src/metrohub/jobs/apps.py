from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "metrohub.jobs"
    label = "jobs"
    verbose_name = _("Daily jobs")

    def ready(self) -> None:
        # Each app declares its daily jobs in its own jobs.py (metrohub.jobs.registry.daily_job).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs")
