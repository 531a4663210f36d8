"""The alliance box of a center's public page: the alliance it leads and this year's duty."""

from django import template

from metrohub.alliances import services
from metrohub.alliances.models import Alliance

register = template.Library()


@register.inclusion_tag("alliances/_center_box.html")
def center_alliance(center):
    year = services.today().year
    return {
        "center": center,
        "alliance": Alliance.objects.filter(center=center).first(),
        "duty": services.activity_duty(center=center, year=year),
    }
