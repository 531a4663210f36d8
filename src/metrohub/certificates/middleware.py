"""Middleware of the certificates app."""

from metrohub.certificates import readahead


class VerificationReadAheadMiddleware:
    """Sends a scan's read as soon as the path names a token (certificates.readahead), and
    receives what the view did not take once the answer is made. First in MIDDLEWARE: the
    longer the way to the view, the more of the round trip it hides."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        match = readahead.PATH.match(request.path_info)
        if match is None or not readahead.start(match[1]):
            return self.get_response(request)
        try:
            return self.get_response(request)
        finally:
            readahead.finish()
