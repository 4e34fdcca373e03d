"""Login through an OpenID Connect broker: MitID Erhverv, as Danish GPs use it for public health services.

mozilla-django-oidc runs the code flow (with PKCE and a nonce) and checks the ID token's signature
against the broker's keys; this module decides who the token stands for. A person is found by the
subject stored at an earlier broker login, else by an e-mail address the broker says is verified;
a person nobody invited is never created. A stored subject wins: once linked, another MitID with the
same e-mail address does not get in.

MitID is itself two factors, so a session opened this way is not asked for Klynge's own code.
"""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import SuspiciousOperation
from django.dispatch import receiver
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from .accounts import STRONG_LOGIN_KEY
from .models import Person

logger = logging.getLogger(__name__)
BACKEND = "klynge.core.oidc.BrokerBackend"


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


class BrokerBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # Listed in AUTHENTICATION_BACKENDS always; without a broker configured it answers no one.
        if enabled():
            super().__init__(*args, **kwargs)

    def authenticate(self, request, **kwargs):
        if not enabled():
            return None
        return super().authenticate(request, **kwargs)

    def retrieve_matching_jwk(self, token):
        """The broker's signing key. A token header without `kid` is legal when the broker publishes
        one key for the algorithm (the library would fail on it with a KeyError); with a `kid`, or
        several keys, the library's own matching applies."""
        header = jwt.get_unverified_header(token)
        if "kid" in header:
            return super().retrieve_matching_jwk(token)
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        keys = [
            k for k in response.json().get("keys", []) if k.get("alg", header.get("alg")) == header.get("alg")
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("The ID token names no key and the broker has several.")
        return jwt.PyJWK(keys[0])

    def get_user(self, user_id):
        return Person.objects.filter(pk=user_id, is_active=True).first()

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        subject = str(claims.get("sub") or "")
        active = Person.objects.filter(is_active=True)
        linked = active.filter(oidc_subject=subject)
        if subject and linked.exists():
            return linked
        email = (claims.get("email") or "").strip().lower()
        if not email or claims.get("email_verified") is not True:
            logger.info("Broker login refused: no stored subject and no verified e-mail")
            return Person.objects.none()
        # A person already linked to another subject is not taken over by a second MitID.
        return active.filter(email__iexact=email, oidc_subject="")

    def create_user(self, claims):
        return None  # only people the board has invited may log in

    def update_user(self, user, claims):
        subject = str(claims["sub"])
        if user.oidc_subject != subject:
            user.oidc_subject = subject
            user.save(update_fields=["oidc_subject"])
        return user


class CallbackView(OIDCAuthenticationCallbackView):
    def login_failure(self):
        messages.error(
            self.request,
            f"Log ind med {settings.OIDC_PROVIDER_NAME} lykkedes ikke. Din e-mail hos "
            f"{settings.OIDC_PROVIDER_NAME} skal være den, klyngen har inviteret, eller bed klyngens "
            "koordinator om en invitation. Du kan også logge ind med adgangskode.",
        )
        return super().login_failure()


@receiver(user_logged_in)
def _mark_strong_login(sender, request, user, **kwargs):
    if request is not None and getattr(user, "backend", "") == BACKEND:
        request.session[STRONG_LOGIN_KEY] = True
