"""Danish texts read as finished: counted nouns in the right form, no »projekt(er)« shortcuts."""

import re
from pathlib import Path

from django.template import Context, Template

from klynge.core.text import counted

SRC = Path(__file__).resolve().parents[2] / "src" / "klynge"


def test_counted_nouns_take_the_singular_for_one():
    assert counted(1, "prik", "prikker") == "1 prik"
    assert counted(0, "prik", "prikker") == "0 prikker"
    assert counted(2, "projekt", "projekter") == "2 projekter"
    template = Template('{{ n|counted:"prik,prikker" }}')
    assert [template.render(Context({"n": n})) for n in (1, 3)] == ["1 prik", "3 prikker"]


def test_no_user_text_hedges_the_plural_with_parentheses():
    """»1 projekt(er)« and »fuldmagt(er)« read as unfinished: count the noun instead."""
    hedged = re.compile(r"[a-zæøå]\(er\)")
    found = []
    for path in list(SRC.rglob("*.html")) + list(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if hedged.search(line):
                found.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
