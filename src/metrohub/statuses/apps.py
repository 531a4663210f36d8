from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatusesConfig(AppConfig):
    name = "metrohub.statuses"
    label = "statuses"
    verbose_name = _("Center statuses")

    def ready(self):
        from metrohub.cases.services import effects
        from metrohub.centers.registry import ProfileSection, register_section
        from metrohub.statuses import services

        # every transition that moves a center in the registry leaves a dated entry behind it
        effects.listen(services.follow_center_status)
        register_section(
            ProfileSection(
                key="status_history",
                title=_("Status and its history"),
                placeholder=_("No change of status recorded yet."),
                template="statuses/_profile_section.html",
                context=lambda center: {"status_changes": services.history(center=center)},
            )
        )
