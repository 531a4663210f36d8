from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegaltimeConfig(AppConfig):
    name = "metrohub.legaltime"
    label = "legaltime"
    verbose_name = _("Legal calendar and deadlines")
