from ninja.security import HttpBearer, SessionAuth

from klynge.core import selectors, services


class BearerToken(HttpBearer):
    """Personal API tokens: `Authorization: Bearer <token>`."""

    def authenticate(self, request, token):
        if not token:
            return None
        api_token = selectors.api_token_by_secret(token)
        if api_token is None:
            return None
        services.api_token_touch(token=api_token)
        request.user = api_token.person
        return api_token.person


class ActiveSession(SessionAuth):
    """The logged-in browser session (with CSRF on writes), for the pages' own htmx calls."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


API_AUTH = [BearerToken(), ActiveSession()]
