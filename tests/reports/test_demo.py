"""The demo: Gentofte's 2022 report, drafted from the demo records, close to the source text."""

import pytest

from klynge.demo.builder import load_demo
from klynge.reports.models import AnnualReport


@pytest.mark.django_db
def test_gentofte_2022_report_is_close_to_the_source_text():
    load_demo()
    report = AnnualReport.objects.get(cluster__slug="gentofte", year=2022)
    text = " ".join(report.edited_text.split())
    for fact in [
        "Klynge Gentofte har i 2022 afholdt tre klyngemøder og et internat.",
        "De tre møder blev afholdt henholdsvis den 14/3 som generalforsamling, den 23/5 med en klyngepakke om "
        "iskæmisk hjertesygdom og den 29/8 med en klyngepakke om henvisning til kommunale tilbud.",
        "den 5/11-6/11",
        "med temaet trivsel og arbejdsglæde",
        "Efter generalforsamlingen var der gennemgang af en klyngepakke om smertestillende medicin.",
        "forløbsplaner for hjertesygdom",
        "Der blev bl.a. set på egne data indhentet via KIAP.",
        "svaret på spørgeskemaet",
        "situationen på Tranehaven",
        "faciliterede forløbet",
        "Desuden havde vi besøg af",
        "»klagesager og kritik«",
        "I alt deltog",
        "Følgende datoer er besluttet for møder i 2023:",
        "- Generalforsamling 27/2 Bernstorff Slot",
        "- Klyngemøde 22/5 Bernstorff Slot",
        "- Klyngemøde 4/9 Bernstorff Slot",
        "- Klyngeinternat 4/11-5/11 Marienlyst",
    ]:
        assert " ".join(fact.split()) in text, fact
    # The decisions step recorded the values and the hold of Strandvejens Lægehus and its extension.
    assert "et sæt af værdier, regler og mål" in text
    # The confidence vote reads as the seed says it.
    assert "Der var afstemning om, hvorvidt der var tillid til lægerne fra Strandvejens Lægehus." in text
    assert "Et simpelt flertal stemte for, at der ikke var tillid (" in text
    assert "og deres deltagelse i klyngemøderne blev sat på hold indtil en ny afstemning den 29/8" in text
    assert "forlænget til næste generalforsamling den 27/2 2023" in text
    assert "Afstemningen var hemmelig." in text
