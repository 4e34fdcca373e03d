"""Every form page a demo user reaches by following links can be sent as it is shown.

A chair, a member or a guest opens a page to look and presses »Gem« without changing anything, or
presses it on an empty form: the answer is the saved record (a redirect) or the form again with its
messages (4xx), never a server error. The forms are filled from the page exactly as a browser would
send them (the values shown, the options selected, the boxes ticked), so a field the page renders but
the view mishandles is found even when no test names it (a yes/no draft poll once answered 500 when
saved unchanged). Each kind of button that acts elsewhere (open a poll, close it, answer, delete ...)
is pressed once as well.
"""

import html
import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from klynge.demo.register import DEMO_PASSWORD
from tests.test_demo_crawl import SKIP, walk

# Each login with the least number of kinds of form page it must find (the control of the crawl).
LOGINS = {
    "formand@gentofte.demo": 30,
    "formand@osterbro.demo": 30,
    "medlem@gentofte.demo": 6,  # profile, two-factor, calendar, answers, motions, own data entered
    "gaest@gentofte.demo": 2,
}


class PageForms(HTMLParser):
    """The page's POST forms as a browser would submit them: (action, fields), the action "" for a form
    that sends to the page itself."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._form = None
        self._action = ""
        self._select = None
        self._textarea = None
        self._button = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._action = a.get("action") or ""
            post = (a.get("method") or "").lower() == "post"
            self._form = [] if post and not self._action.startswith(SKIP) else None
            self._button = False
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.append((name, a.get("value", "on")))
            elif kind == "submit":
                if not self._button:
                    self._form.append((name, a.get("value", "")))
                    self._button = True
            elif kind not in ("file", "button", "reset", "image"):
                self._form.append((name, a.get("value", "")))
        elif tag == "button" and (a.get("type") or "submit") == "submit" and not self._button:
            self._button = True
            if name:
                self._form.append((name, a.get("value", "")))
        elif tag == "select" and name and "disabled" not in a:
            self._select = {"name": name, "multiple": "multiple" in a, "first": None, "chosen": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"].append(value)
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            chosen = self._select["chosen"]
            if not chosen and not self._select["multiple"] and self._select["first"] is not None:
                chosen = [self._select["first"]]
            self._form += [(self._select["name"], value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._form.append((name, html.unescape(text).removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self.forms.append((self._action, self._form))
            self._form = None


def as_post_data(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def demo_forms(client):
    """The pages reachable by links with the forms that send to the page itself, and one form of each
    kind of action sent elsewhere (open, close, delete, answer ...), with the page it was found on."""
    pages, actions = [], {}
    for url, response in walk(client, limit=400):
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = PageForms()
        parser.feed(response.content.decode())
        if own := [fields for action, fields in parser.forms if not action]:
            pages.append((url, own))
        for action, fields in parser.forms:
            if action.startswith("/"):
                actions.setdefault(re.sub(r"\d+", "N", action), (url, action, fields))
    return pages, actions


@pytest.mark.django_db
@pytest.mark.parametrize("email", LOGINS)
def test_every_form_page_of_the_demo_can_be_sent_as_shown(client, demo_data, email):
    assert client.login(username=email, password=DEMO_PASSWORD)
    pages, actions = demo_forms(client)
    failures, saved, tried = [], 0, Counter()
    for url, forms in pages:
        kind = re.sub(r"\d+", "N", url)
        tried[kind] += 1
        if tried[kind] > 2:  # the twentieth practice's form is the second's with other values
            continue
        for fields in forms:
            response = client.post(url, as_post_data(fields))
            if response.status_code >= 500:
                failures.append(f"{url} as shown: {response.status_code}")
            saved += response.status_code in (301, 302, 303)
            empty = client.post(url, {})
            if empty.status_code >= 500:
                failures.append(f"{url} empty: {empty.status_code}")
    # Then every kind of button that acts elsewhere, once, as shown (deleting ones last may leave later
    # ones a 404 or a refusal: any answer but a server error).
    for url, action, fields in sorted(actions.values(), key=lambda found: "slet" in found[1]):
        response = client.post(action, as_post_data(fields))
        if response.status_code >= 500:
            failures.append(f"{action} (from {url}): {response.status_code}")
    assert not failures, failures
    # Control: the crawl found the chair's form pages, and forms sent as shown with their records saved.
    assert len(tried) >= LOGINS[email] and saved >= 1 and actions, (saved, sorted(tried), sorted(actions))
