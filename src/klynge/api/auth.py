from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from klynge.core.models import ApiToken


class BearerToken(HttpBearer):
    """Personal API tokens: `Authorization: Bearer <token>`."""

    def authenticate(self, request, token):
        if not token:
            return None
        api_token = (
            ApiToken.objects.select_related("person")
            .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True, person__is_active=True)
            .first()
        )
        if api_token is None:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.person
        return api_token.person


class ActiveSession(SessionAuth):
    """The logged-in browser session (with CSRF on writes), for the pages' own htmx calls."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


API_AUTH = [BearerToken(), ActiveSession()]
