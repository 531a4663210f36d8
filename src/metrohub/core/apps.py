from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Django's Chinese catalogue has no text yet for the blank choice of its select widgets; the
# platform's catalogue gives it.
BLANK_CHOICE_LABEL = _("- Select an option -")


class CoreConfig(AppConfig):
    name = "metrohub.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from metrohub.core import checks  # noqa: F401  (registers system checks)
