"""The public verification page (/verify/<token>): no login, rate-limited, counted."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from metrohub.certificates import verification
from metrohub.certificates.pdf import TITLES


@never_cache
def verify(request, token: str):
    if not verification.allowed(request):
        return render(request, "certificates/verify_throttled.html", status=429)
    found = verification.check(token)
    if found is None:
        raise Http404
    certificate = found.certificate
    return render(
        request,
        "certificates/verify.html",
        {
            "check": found,
            "certificate": certificate,
            "job": certificate.job,
            "title": TITLES[certificate.kind][0],
            "replaced_by": getattr(certificate, "replaced_by", None),
        },
    )
