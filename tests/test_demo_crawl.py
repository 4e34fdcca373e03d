"""Every page a demo user can reach by following links answers without a server error.

The demo is loaded once for the module and rolled back after it; each role follows the links of the
pages it can see (GET only, inside Klynge), so a page that breaks on real demo records is found even
when no test names it.
"""

import re
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest

from klynge.demo.register import DEMO_PASSWORD

LINK = re.compile(r'href="([^"#]+)"')
SKIP = ("/log-ud/", "/static/", "/media/", "/admin/", "/api/", "/sprog/", "mailto:", "/profil/slet/")
LOGINS = ["formand@gentofte.demo", "medlem@gentofte.demo", "gaest@gentofte.demo", "formand@osterbro.demo"]


def walk(client, *, limit: int):
    """Follows the links from »/« as a person clicking through would (GET only, inside Klynge, redirects
    to Klynge's own pages followed); yields each page's address and response, at most `limit` pages."""
    seen, queue = set(), deque(["/"])
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        yield url, response
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            queue.append(response["Location"])  # »Mine klynger« of someone in one cluster: the cluster
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in LINK.findall(response.content.decode()):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            if not href.startswith("/") or href.startswith(SKIP) or urlparse(href).netloc:
                continue
            if href not in seen:
                queue.append(href)


@pytest.mark.django_db
@pytest.mark.parametrize("email", LOGINS)
def test_every_reachable_page_of_the_demo_works(client, demo_data, email):
    assert client.login(username=email, password=DEMO_PASSWORD)
    guest = email.startswith("gaest@")
    seen, failures = [], []
    for url, response in walk(client, limit=250):
        seen.append(url)
        if response.status_code >= 500:
            failures.append(f"{url}: {response.status_code}")
        elif guest and response.status_code not in (200, 301, 302):
            # A guest is never shown a link to a page the guest cannot open.
            failures.append(f"{url}: {response.status_code} for the guest")
    assert not failures, failures
    assert len(seen) > (4 if guest else 20), seen
