"""One small rate limiter for the public endpoints that cost (search, objections, verification,
calculators, log-in), counted in Django's cache per client address (or per signed-in person).

    @rate_limited("search")
    def search_page(request): ...

Rates are named, with defaults in settings (METROHUB_DEFAULT_RATES); an operator changes them
with METROHUB_RATE_LIMITS="search=120/m,login=10/10m". An answer over the rate is 429 with
Retry-After: in the API's error schema under /api/, a short translated page elsewhere. With
several app servers the cache must be shared (METROHUB_CACHE=database) for the count to be too.
"""

import functools
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind a trusted proxy (METROHUB_TRUSTED_PROXIES)
    the nearest address in X-Forwarded-For that is not one of those proxies. None when there is
    none (a request made inside the process): django-axes, which uses this too, stores it."""
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = settings.METROHUB_TRUSTED_PROXIES
    if remote is None or not trusted or not _in(remote, trusted):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([part for part in forwarded if part]):
        if not _valid(address):
            break  # not an address: the proxy's is the best known
        if not _in(address, trusted):
            return address
    return remote


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def _in(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in networks)


def hit(name: str, who: str) -> int:
    """Count one request of `who` against the named rate: 0 when allowed, else the seconds until
    its window ends. A window opens at a requester's first request and lasts the rate's period:
    windows fixed on the clock would let requests that straddle a boundary pass twice the rate.
    The window's end is kept beside the count and decides when it is over, not the cache's
    expiry: the database cache (the one several app servers share) implements incr as get and
    set, which gives the key the default timeout again at every request, so a client that kept
    using a page would never see its window end and would be refused for good."""
    if not settings.METROHUB_RATE_LIMITS_ENABLED:
        return 0
    rate = settings.METROHUB_RATES[name]
    now = time.time()
    key = f"ratelimit:{name}:{who}"
    # A requester within an open window (the common case) costs one read of both keys and the
    # incr; only a requester with no window yet tries the add that opens one.
    held = cache.get_many([key, f"{key}:ends"])
    ends = held.get(f"{key}:ends")
    if key not in held:
        if cache.add(key, 1, timeout=rate.seconds):
            cache.set(f"{key}:ends", now + rate.seconds, timeout=rate.seconds)
            return 0
        ends = cache.get(f"{key}:ends")  # another request opened it meanwhile
    if ends is None or ends <= now:
        _open_window(key, now, rate)
        return 0
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the read and the incr: a new window
        _open_window(key, now, rate)
        return 0
    if count <= rate.count:
        return 0
    return max(1, int(ends - now) + 1)


def _open_window(key: str, now: float, rate) -> None:
    cache.set_many({key: 1, f"{key}:ends": now + rate.seconds}, timeout=rate.seconds)


def requester(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_address(request) or 'unknown'}"


def throttled_response(request, retry_after: int) -> HttpResponse:
    message = _("Too many requests; try again in %(seconds)d seconds.") % {"seconds": retry_after}
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        response = JsonResponse({"code": "throttled", "message": message, "errors": []}, status=429)
    else:
        from django.template.loader import render_to_string

        response = HttpResponse(
            render_to_string("core/throttled.html", {"message": message}, request=request),
            status=429,
        )
    response["Retry-After"] = str(retry_after)
    return response


def check(request, name: str) -> HttpResponse | None:
    """For code that limits only some requests (a POST, a large run): None, or the 429."""
    wait = hit(name, requester(request))
    return throttled_response(request, wait) if wait else None


def rate_limited(name: str, *, methods: tuple[str, ...] | None = None):
    """Decorate a view (page or ninja operation): requests over the named rate get 429. With
    `methods`, only requests of those methods count (a login form's POST, not its GET)."""
    if name not in settings.METROHUB_RATES:
        raise ValueError(f"no rate named {name!r}")

    def decorate(view):
        @functools.wraps(view)
        def limited(request, *args, **kwargs):
            if methods is None or request.method in methods:
                refused = check(request, name)
                if refused is not None:
                    return refused
            return view(request, *args, **kwargs)

        return limited

    return decorate
