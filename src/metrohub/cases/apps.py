from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Navigation labels (core/navigation.py), translated in this app's catalogue.
NAV_CASES = _("Cases")
NAV_NOTICES = _("Public notices")


class CasesConfig(AppConfig):
    name = "metrohub.cases"
    label = "cases"
    verbose_name = _("Procedure cases")

    def ready(self):
        from metrohub.cases.services.obligations import follow_recomputed_deadline
        from metrohub.legaltime.services import deadline_recomputed

        deadline_recomputed.connect(follow_recomputed_deadline, dispatch_uid="cases.due_on")
