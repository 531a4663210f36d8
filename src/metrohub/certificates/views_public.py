"""The public verification page (/verify/<token>): no login, rate-limited, counted. A light page
of its own (no navigation): it is what a QR code opens on a phone, and the platform's busiest
public read."""

from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.template import Context, engines
from django.views.decorators.cache import never_cache

from metrohub.certificates import verification
from metrohub.certificates.pdf import TITLES
from metrohub.core.ratelimit import rate_limited


def render(request, name: str, context: dict, status: int = 200) -> HttpResponse:
    """Render without the site's context processors (navigation, messages, roles): the page
    shows none of them, and at national scale they would cost more than the check itself."""
    template = engines["django"].engine.get_template(name)
    context = Context({**context, "request": request, "csrf_token": get_token(request)})
    return HttpResponse(template.render(context), status=status)


@never_cache
@rate_limited("verification")
def verify(request, token: str):
    found = verification.check(token)
    if found is None:
        raise Http404
    record = found.record
    return render(
        request,
        "certificates/verify.html",
        {
            "check": found,
            "record": record,
            "title": TITLES[record.kind][0],
            "chain_broken": found.chain_broken,
        },
    )
