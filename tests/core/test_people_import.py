import pytest

from klynge.core.models import OutboxMessage, Person, Practice
from klynge.core.services import people_import_csv

HEADER = "ydernummer;praksis;navn;e-mail;rolle\n"


@pytest.mark.django_db
def test_windows_1252_semicolons_and_danish_letters(world):
    text = (
        HEADER
        + "222222;Lægehuset Ærø;Søren Ågård;soren@example.dk;medlem\n222222;Lægehuset Ærø;Åse Øby;ase@example.dk;Suppleant\n"
    )
    report = people_import_csv(cluster=world.cluster, raw=text.encode("cp1252"))
    assert report.ok, report.errors
    assert report.created == 2 and report.practices_created == 1
    assert Practice.objects.get(provider_number="222222").name == "Lægehuset Ærø"
    assert Person.objects.get(email="soren@example.dk").name == "Søren Ågård"
    assert OutboxMessage.objects.filter(to="ase@example.dk").exists()


@pytest.mark.django_db
def test_utf8_with_bom_and_commas(world):
    text = "\ufeffydernummer,praksis,navn,e-mail,rolle\n333333,Klinik Å,Ida Ørn,ida@example.dk,medlem\n"
    report = people_import_csv(cluster=world.cluster, raw=text.encode("utf-8"))
    assert report.ok and Person.objects.filter(name="Ida Ørn").exists()


@pytest.mark.django_db
def test_a_bad_line_in_the_middle_imports_nothing_and_names_the_line(world):
    text = (
        HEADER
        + "444444;Klinik A;Anna A;anna@example.dk;medlem\n"
        + "44444;Klinik B;Bo B;bo@example.dk;medlem\n"
        + f"444444;Klinik A;Carl C;{world.member.email};medlem\n"
        + "444444;Klinik A;Dorte D;dorte@example.dk;Kejser\n"
    )
    before = (Person.objects.count(), Practice.objects.count(), OutboxMessage.objects.count())
    report = people_import_csv(cluster=world.cluster, raw=text.encode("utf-8"))
    assert [line for line, _ in report.errors] == [3, 4, 5]
    assert "6 cifre" in report.errors[0][1]
    assert "allerede med i klyngen" in report.errors[1][1]
    # The message starts with a capital and quotes the value as written (no »kejser« for »Kejser«).
    assert report.errors[2][1] == "Ukendt rolle »Kejser«."
    assert (Person.objects.count(), Practice.objects.count(), OutboxMessage.objects.count()) == before


@pytest.mark.django_db
def test_empty_file(world):
    report = people_import_csv(cluster=world.cluster, raw=b"")
    assert report.errors == [(0, "Filen er tom.")]


@pytest.mark.django_db
def test_upload_page_shows_every_error(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.chair)
    upload = SimpleUploadedFile("folk.csv", (HEADER + "12;X;Y;ikke-en-mail;medlem\n").encode("cp1252"))
    response = client.post(f"/k/{world.cluster.slug}/personer/import/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Linje 2" in page and "Intet er importeret" in page
