"""HTTP hardening that every response passes through."""

from django.http import Http404, JsonResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)


class SecurityHeadersMiddleware:
    """A Content-Security-Policy without inline scripts or styles, and a few headers Django leaves out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


# The largest id any of the databases can hold (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def is_oversized_id(value) -> bool:
    if isinstance(value, int):
        return value > MAX_ID
    return isinstance(value, str) and value.isdigit() and len(value) > 18 and int(value) > MAX_ID


class OversizedIdMiddleware:
    """An id in a URL too large for the database (e.g. /moeder/99999999999999999999/) is a 404.

    Only the URL's own numbers are judged here, before the view runs: an OverflowError (or any other
    arithmetic error) raised anywhere else is a fault of ours and goes to the 500 page and the log.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        values = [*view_args, *(v for k, v in view_kwargs.items() if k not in ("slug", "token", "uidb64"))]
        if any(is_oversized_id(value) for value in values):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Findes ikke."}, status=404)
            raise Http404("Findes ikke")
        return None
