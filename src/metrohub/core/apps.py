from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "metrohub.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from metrohub.core import checks  # noqa: F401  (registers system checks)
