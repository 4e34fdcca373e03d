"""Links that people type (an agenda item's link): web addresses, mail addresses and Klynge's own pages.

Anything else (javascript:, data:, vbscript:, a protocol-relative //host) is refused when it is saved,
on the web form and over the API alike, so the database never holds a link that runs code when clicked.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

ALLOWED_SCHEMES = ("http", "https", "mailto")
MESSAGE = "Et link skal begynde med https://, http:// eller mailto: (eller / for en side i Klynge)."
# Browsers drop these anywhere in a URL before they read the scheme ("java\tscript:" runs).
_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]")


def validate_link(value: str) -> None:
    if not value:
        return
    stripped = _IGNORED_BY_BROWSERS.sub("", value)
    if stripped.startswith("/") and not stripped.startswith(("//", "/\\")):
        return
    scheme = urlsplit(stripped).scheme.lower()
    if scheme not in ALLOWED_SCHEMES or stripped[len(scheme) + 1 :].strip("/") == "":
        raise ValidationError(MESSAGE, code="link_scheme")
    if value != value.strip() or _IGNORED_BY_BROWSERS.search(value.strip()):
        raise ValidationError(MESSAGE, code="link_scheme")
