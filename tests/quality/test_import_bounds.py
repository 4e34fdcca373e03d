"""Input that cannot break a page: numbers in imports and entries are finite and within bounds, an
arithmetic error is a logged 500 (never a 404), and spreadsheets that unpack too far are refused
before they are unpacked."""

import datetime as dt
import logging
import zipfile

import pytest
from openpyxl import Workbook

from klynge.core.services import ServiceError
from klynge.quality.models import ImportLog, Indicator, Measurement
from klynge.quality.services import measurement_enter, measurements_import, prescriptions_import


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["1e309", "17e308", "-1e309", "inf", "NaN", "2e12"])
def test_an_infinite_or_huge_measurement_is_refused_with_its_line(tmp_path, world, catalogue, value):
    """Attack: 1e309 was stored as infinity; afterwards the data pages answered 404 for everyone."""
    yd = world.practice.provider_number
    path = write(
        tmp_path,
        "m.csv",
        f"ydernummer,indikator,periode,tæller,nævner\n{yd},attester,2024,3,100\n{yd},attester,2025,{value},100\n",
    )
    result = measurements_import(path=path, cluster=world.cluster)
    assert not result.ok and result.errors[0][0] == 3, result.errors
    assert "tæller" in result.errors[0][1].lower()
    assert not Measurement.objects.exists() and not ImportLog.objects.exists()


@pytest.mark.django_db
def test_an_infinite_denominator_is_refused(tmp_path, world, catalogue):
    yd = world.practice.provider_number
    path = write(
        tmp_path, "m.csv", f"ydernummer;indikator;periode;tæller;nævner\n{yd};attester;2024;3;1e309\n"
    )
    result = measurements_import(path=path, cluster=world.cluster)
    assert result.errors == [(2, "Nævner »1e309« er for stort; højst 1.000.000.000.000.")]


@pytest.mark.django_db
def test_an_infinite_prescription_count_is_refused(tmp_path, world, catalogue):
    yd = world.practice.provider_number
    rx = write(
        tmp_path, "rx.csv", f"ydernummer;periode;atc;recepter;personer;ddd\n{yd};2024;J01CE02;3;2;1e309\n"
    )
    pt = write(tmp_path, "pt.csv", f"ydernummer;periode;tilmeldte_patienter\n{yd};2024;1500\n")
    result = prescriptions_import(path=rx, patients_path=pt, cluster=world.cluster)
    assert not result.ok and result.errors[0][0] == 2 and "ddd" in result.errors[0][1].lower()
    assert not Measurement.objects.exists()


@pytest.mark.django_db
def test_an_entered_count_must_be_finite(world, catalogue):
    indicator = Indicator.objects.filter(source_kind="self_reported").first() or Indicator.objects.create(
        code="egen", name_da="Egen", unit="percent", source_kind="self_reported", direction="high"
    )
    for numerator, denominator in ((float("inf"), 10.0), (3.0, float("inf")), (float("nan"), 10.0)):
        with pytest.raises(ServiceError):
            measurement_enter(
                indicator=indicator,
                practice=world.practice,
                period="2024",
                numerator=numerator,
                denominator=denominator,
                by=world.chair,
            )
    assert not Measurement.objects.exists()


def _legacy_infinity(world):
    """A value written before imports refused infinity (only SQL by hand could put it there now)."""
    indicator = Indicator.objects.get(code="attester")
    Measurement.objects.create(
        indicator=indicator,
        level="practice",
        scope=f"p{world.practice.pk}",
        practice=world.practice,
        period_start=dt.date(2024, 1, 1),
        granularity="year",
        numerator=float("inf"),
        denominator=100.0,
    )
    return indicator


@pytest.mark.django_db
def test_a_corrective_import_replaces_a_stored_infinity(tmp_path, world, catalogue):
    """Attack: the corrective re-import reported »unchanged« (inf - x compared as close to inf)."""
    _legacy_infinity(world)
    yd = world.practice.provider_number
    path = write(tmp_path, "m.csv", f"ydernummer,indikator,periode,tæller,nævner\n{yd},attester,2024,3,100\n")
    result = measurements_import(path=path, cluster=world.cluster)
    assert result.ok and result.replaced == 1 and result.unchanged == 0
    assert Measurement.objects.get().numerator == 3


@pytest.mark.django_db
def test_an_arithmetic_error_is_a_logged_500_not_a_404(client, world, catalogue, caplog):
    """Attack: an OverflowError on a data page was turned into a 404 for everyone."""
    indicator = _legacy_infinity(world)
    client.force_login(world.chair)
    client.raise_request_exception = False
    urls = [f"/k/{world.cluster.slug}/data/", f"/k/{world.cluster.slug}/data/indikator/{indicator.pk}/"]
    statuses = {}
    with caplog.at_level(logging.ERROR, logger="django.request"):
        for url in urls:
            statuses[url] = client.get(url).status_code
    assert 404 not in statuses.values(), statuses
    failing = [url for url, status in statuses.items() if status == 500]
    for url in failing:
        assert any(url in record.getMessage() for record in caplog.records), url
    assert all(status in (200, 500) for status in statuses.values())


@pytest.mark.django_db
def test_an_oversized_id_in_a_url_is_still_404(client, world):
    client.force_login(world.chair)
    assert client.get(f"/k/{world.cluster.slug}/praksis/99999999999999999999/").status_code == 404
    assert (
        client.get(f"/api/v1/clusters/{world.cluster.slug}/practices/99999999999999999999").status_code == 404
    )


def _workbook_with_padding(tmp_path, padding_bytes: int, declared_rows: int | None = None):
    book = Workbook()
    sheet = book.active
    sheet.append(["ydernummer", "indikator", "periode", "tæller", "nævner"])
    sheet.append(["100001", "attester", "2024", 3, 100])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                if declared_rows:
                    data = data.replace(
                        b'<dimension ref="A1:E2"/>', f'<dimension ref="A1:E{declared_rows}"/>'.encode()
                    )
                if padding_bytes:
                    with target.open(item.filename, "w", force_zip64=True) as out:
                        head, _, rest = data.partition(b"?>")
                        out.write(head + b"?>")
                        chunk = b"<!--" + b" " * (1 << 20) + b"-->"
                        for _ in range(padding_bytes // len(chunk)):
                            out.write(chunk)
                        out.write(rest)
                    continue
            target.writestr(item, data)
    return bomb


@pytest.mark.django_db
def test_a_spreadsheet_that_unpacks_too_far_is_refused_before_unpacking(tmp_path, world, catalogue, settings):
    """Attack: a 2 MB XLSX that unpacks to 525 MB made a worker grow to 1.75 GB for 92 s."""
    settings.IMPORT_XLSX_MAX_UNPACKED_BYTES = 20_000_000
    bomb = _workbook_with_padding(tmp_path, 60_000_000)
    assert bomb.stat().st_size < 1_000_000
    result = measurements_import(path=bomb, cluster=world.cluster)
    assert result.errors and result.errors[0][0] == 1 and "fylder 60 MB udpakket" in result.errors[0][1]
    assert not Measurement.objects.exists()
    # Control: under a limit above its unpacked size the same workbook is read, so the size refused it.
    settings.IMPORT_XLSX_MAX_UNPACKED_BYTES = 100_000_000
    control = measurements_import(path=bomb, cluster=world.cluster)
    assert control.rows_read == 1 and not any("udpakket" in text for _, text in control.errors)


@pytest.mark.django_db
def test_a_spreadsheet_with_too_many_rows_is_refused(tmp_path, world, catalogue, settings):
    settings.IMPORT_XLSX_MAX_ROWS = 1000
    result = measurements_import(
        path=_workbook_with_padding(tmp_path, 0, declared_rows=5000), cluster=world.cluster
    )
    assert result.errors and "rækker" in result.errors[0][1]
    # Control: an ordinary workbook within the limits is read.
    yd = world.practice.provider_number
    book = Workbook()
    book.active.append(["ydernummer", "indikator", "periode", "tæller", "nævner"])
    book.active.append([yd, "attester", "2024", 3, 100])
    book.save(tmp_path / "ok.xlsx")
    assert measurements_import(path=tmp_path / "ok.xlsx", cluster=world.cluster).ok


@pytest.mark.django_db
def test_the_upload_page_shows_the_spreadsheet_refusal(tmp_path, client, world, catalogue, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.IMPORT_XLSX_MAX_UNPACKED_BYTES = 5_000_000
    client.force_login(world.chair)
    bomb = _workbook_with_padding(tmp_path, 10_000_000)
    response = client.post(
        f"/k/{world.cluster.slug}/data/import/",
        {"kind": "measurements", "file": SimpleUploadedFile("data.xlsx", bomb.read_bytes())},
    )
    assert response.status_code == 400 and "udpakket" in response.content.decode()
