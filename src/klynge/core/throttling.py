"""Throttling of logins (django-axes) and of mail anyone can trigger (a counter in the database).

Logins: django-axes records every failed password and every failed second-factor code, keyed on the
identity and on the client address. The identity is normalised the way Django's login form
normalises a user name before it checks the password (NFKC), and case-folded, so `ｂestyrelse@…`
(fullwidth b) and `Bestyrelse@…` count against the same account as `bestyrelse@…`. Five failures for
one identity, or thirty from one address, within the cool-off time lock login for that long.

Mail: password reset and invitation mails are limited per address and per client with a fixed-window
counter in the database. django-ratelimit was the first choice, but it refuses Django's database
cache (its increments are not atomic) and Klynge keeps all shared state in the database, so that any
number of web processes agree without a cache server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import unicodedata

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.shortcuts import render
from django.utils import timezone

from .models import RateCounter

logger = logging.getLogger(__name__)

LOCKED_OUT_MESSAGE = "For mange forkerte forsøg. Vent {minutes} minutter, eller vælg »Glemt adgangskode?« for at få et nyt link."


def normalise_identity(value: str | None) -> str:
    """The login name as Django compares it (NFKC, as UsernameField does), trimmed and case-folded."""
    return unicodedata.normalize("NFKC", value or "").strip().casefold()


def identity_of(request, credentials: dict | None) -> str:
    """AXES_USERNAME_CALLABLE: the normalised identity of a login attempt."""
    raw = None
    if credentials:
        raw = credentials.get("username") or credentials.get("email")
    if raw is None and request is not None and request.method == "POST":
        raw = request.POST.get("username")
    return normalise_identity(raw)[:255]


def client_address(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client's address; the left-most forwarded one behind our proxy."""
    if settings.SECURE_PROXY_SSL_HEADER and (forwarded := request.META.get("HTTP_X_FORWARDED_FOR")):
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return LOCKED_OUT_MESSAGE.format(minutes=lockout_minutes())


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page again with the Danish message, as 429 Too Many Requests.

    A JSON 429 (the passkey step, whose script shows the `detail`) already says so and is kept."""
    if (
        original_response is not None
        and original_response.status_code == 429
        and original_response.get("Content-Type", "").startswith("application/json")
    ):
        return original_response
    return render(
        request,
        "registration/login.html",
        {"locked_out_message": lockout_message(), "username": request.POST.get("username", "")},
        status=429,
    )


class LockoutHandler(AxesDatabaseHandler):
    """Identity failures lock at AXES_FAILURE_LIMIT; address failures at LOGIN_FAILURES_PER_ADDRESS."""

    def get_failures(self, request, credentials=None) -> int:
        by_identity, by_address = (
            attempts.aggregate(n=models.Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.LOGIN_FAILURES_PER_ADDRESS:
            return max(by_identity, settings.AXES_FAILURE_LIMIT)
        return by_identity


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out identity or address before any backend checks a password.

    Django's test client logs in without a request (`Client.login`); with no HTTP request there is
    no client to throttle. Every login in the product passes its request (tests/test_architecture.py
    checks that no code calls `authenticate` without one).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def is_locked_out(request, identity: str) -> bool:
    return AxesProxyHandler.is_locked(request, {"username": identity})


def second_factor_failed(request, identity: str) -> None:
    """A wrong code counts as a failed login of that identity, whatever the password step did."""
    user_login_failed.send(sender=__name__, credentials={"username": identity}, request=request)


# Mail limits ---------------------------------------------------------------------------------------


class RateLimited(Exception):
    """Too many of one kind of mail for one address or client; the message is Danish."""


def _parse_rate(rate: str) -> tuple[int, int]:
    count, _, unit = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit.strip()[-1:] or "h"]
    return int(count), seconds


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def rate_hit(*, scope: str, subject: str, rate: str, now: dt.datetime | None = None) -> bool:
    """Counts one use of `scope` by `subject` in the current window; False when the limit is passed.

    The counter row is locked while it is read and increased, so concurrent requests are counted
    exactly on PostgreSQL and SQLite alike, and every web process sees the same count.
    """
    limit, seconds = _parse_rate(rate)
    now = now or timezone.now()
    window = dt.datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=dt.UTC)
    key = _key(scope, subject)
    created = False
    for _ in range(2):
        try:
            with transaction.atomic():
                counter, created = RateCounter.objects.select_for_update().get_or_create(
                    key=key, window_start=window, defaults={"count": 1}
                )
                if not created:
                    if counter.count >= limit:
                        return False
                    RateCounter.objects.filter(pk=counter.pk).update(count=F("count") + 1)
                break
        except IntegrityError:  # another request created the row first; count again on it
            continue
    if now.second == 0 or created:
        RateCounter.objects.filter(window_start__lt=now - dt.timedelta(days=2)).delete()
    return True


def client_allowed(*, kind: str, request) -> bool:
    """Whether this client may ask for one more `kind` mail (counted per request, mail or not)."""
    client = client_address(request)
    if client and not rate_hit(
        scope=f"mail-client:{kind}", subject=client, rate=settings.MAIL_LIMIT_PER_CLIENT
    ):
        logger.warning("Mail limit per client reached: %s from %s", kind, client)
        return False
    return True


def mail_allowed(*, kind: str, address: str) -> bool:
    """Whether one more `kind` mail may go to `address` in the current window."""
    if not rate_hit(
        scope=f"mail-address:{kind}",
        subject=normalise_identity(address),
        rate=settings.MAIL_LIMIT_PER_ADDRESS,
    ):
        logger.warning("Mail limit per address reached: %s", kind)
        return False
    return True


def invitation_client_check(request) -> None:
    """Raises a Danish ServiceError when this client has asked for too many invitations lately."""
    # Circular: services imports this module for its mail limits.
    from .services import ServiceError

    if not client_allowed(kind="invitation", request=request):
        raise ServiceError("Der er sendt for mange invitationer herfra den seneste time. Prøv igen senere.")
