from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "metrohub.sharing"
    label = "sharing"
    verbose_name = _("Open sharing")
