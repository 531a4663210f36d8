from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "metrohub.sharing"
    label = "sharing"
    verbose_name = _("Open sharing")

    def ready(self):
        from metrohub.centers.registry import SECTIONS, ProfileSection, register_section
        from metrohub.core.navigation import NavItem, register

        # The center's public profile shows this app's box in place of the placeholder.
        placeholder = SECTIONS["shared"]
        register_section(
            ProfileSection(
                key=placeholder.key,
                title=placeholder.title,
                placeholder=placeholder.placeholder,
                template="sharing/_profile_section.html",
            )
        )

        register(NavItem(_("Shared resources"), "sharing:list"))
        register(NavItem(_("Bookings"), "sharing:bookings", "sharing.book"))
