from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlliancesConfig(AppConfig):
    name = "metrohub.alliances"
    label = "alliances"
    verbose_name = _("Alliances")

    def ready(self):
        from metrohub.centers.registry import SECTIONS, ProfileSection, register_section
        from metrohub.core.navigation import NavItem, register

        # The center's public profile shows this app's box in place of the placeholder.
        placeholder = SECTIONS["alliance"]
        register_section(
            ProfileSection(
                key=placeholder.key,
                title=placeholder.title,
                placeholder=placeholder.placeholder,
                template="alliances/_profile_section.html",
            )
        )

        register(NavItem(_("Alliances"), "alliances:list"))
