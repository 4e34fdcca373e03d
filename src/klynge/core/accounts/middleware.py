"""Sessions that slide while in use, and no page for a session that owes a second factor."""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login as to_login
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from . import STRONG_LOGIN_KEY
from .selectors import has_second_factor, two_factor_required

SESSION_RENEWED = "klynge_session_renewed"
TWO_FACTOR_CHECKED = "klynge_two_factor_checked"
TWO_FACTOR_RECHECK = dt.timedelta(minutes=5)


class SlidingSessionMiddleware:
    """Sessions expire after SESSION_COOKIE_AGE without use. Saving the session on every request would
    cost a database write per page, so it is renewed only once less than half of its age is left."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and BACKEND_SESSION_KEY in session:
            now = time.time()
            renewed = session.get(SESSION_RENEWED)
            if renewed is None or now - renewed > settings.SESSION_COOKIE_AGE / 2:
                session[SESSION_RENEWED] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """A logged-in session that has not passed a second factor gets no page, when it should have:

    - the person has a device, but the session was opened without it (any way in but our code page,
      e.g. an old session, or a login form that knows nothing of two-factor): logged out, back to login;
    - the person must use two-factor (board of a cluster that requires it, or staff) and has no device
      yet: sent to the set-up page.

    A "nothing needed" answer is remembered in the session for a few minutes, to spare a query a page.
    """

    ALLOWED_PREFIXES = ("/profil/totrin/", "/log-ud/", "/static/", "/sprog/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and BACKEND_SESSION_KEY in request.session
            and not user.is_verified()
            and not request.session.get(STRONG_LOGIN_KEY)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            verdict = self._verdict(request, user)
            if verdict == "login":
                logout(request)
                return redirect_to_login(request)
            if verdict == "setup":
                return redirect("two_factor_setup")
        return self.get_response(request)

    @staticmethod
    def _verdict(request, user) -> str:
        checked = request.session.get(TWO_FACTOR_CHECKED)
        now = timezone.now()
        if checked and now - dt.datetime.fromisoformat(checked) < TWO_FACTOR_RECHECK:
            return "ok"
        if has_second_factor(user):
            return "login"
        if two_factor_required(user):
            request.session.pop(TWO_FACTOR_CHECKED, None)
            return "setup"
        request.session[TWO_FACTOR_CHECKED] = now.isoformat()
        return "ok"


def redirect_to_login(request):
    path = request.get_full_path()
    if not url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()}):
        path = "/"
    return to_login(path)
