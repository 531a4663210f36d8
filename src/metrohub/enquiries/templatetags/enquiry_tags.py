"""The enquiry box of a center's public page: its median response time and a way to ask."""

from django import template

from metrohub.enquiries.services import duration_text, median_response

register = template.Library()


@register.inclusion_tag("enquiries/_center_box.html")
def center_enquiries(center):
    return {"center": center, "median": duration_text(median_response(center=center))}
