"""A small JSON client for the API tests: a person's Bearer token and the Django test client."""

from __future__ import annotations

import json

from klynge.core.services import api_token_create


class Api:
    def __init__(self, client, person=None, secret: str | None = None):
        self.client = client
        if secret is None and person is not None:
            _, secret = api_token_create(person=person, name="test")
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def _call(self, method: str, path: str, body=None, expect: int | None = None, **extra):
        url = path if path.startswith("/api/") else "/api/v1" + path
        kwargs = {"headers": self.headers, **extra}
        if method != "get" and "data" not in extra:
            kwargs["data"] = json.dumps(body if body is not None else {})
            kwargs["content_type"] = "application/json"
        response = getattr(self.client, method)(url, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (
                f"{method.upper()} {url}: {response.status_code} {response.content[:500]!r}"
            )
        return response

    def get(self, path, expect=200, **extra):
        return self._call("get", path, expect=expect, **extra).json()

    def post(self, path, body=None, expect=201, **extra):
        return self._call("post", path, body, expect=expect, **extra).json()

    def put(self, path, body=None, expect=200):
        return self._call("put", path, body, expect=expect).json()

    def patch(self, path, body=None, expect=200):
        return self._call("patch", path, body, expect=expect).json()

    def delete(self, path, expect=200):
        return self._call("delete", path, expect=expect).json()

    def upload(self, path, files: dict, data: dict | None = None, expect=201):
        response = self.client.post("/api/v1" + path, data={**(data or {}), **files}, headers=self.headers)
        assert response.status_code == expect, (
            f"POST {path}: {response.status_code} {response.content[:500]!r}"
        )
        return response.json()
