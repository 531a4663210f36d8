from django.conf import settings

from metrohub.accounts.roles import assignments
from metrohub.core.navigation import visible_items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "nav_items": visible_items(user),
        "my_roles": assignments(user),
        "site_url": settings.SITE_URL,
        "operator": settings.METROHUB_OPERATOR,
    }
