"""Imports: encodings, separators, decimal comma, all or nothing, idempotence, replacement log."""

import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from klynge.quality.models import ImportLog, Indicator, Measurement
from klynge.quality.services import indicators_load_catalogue, measurements_import, prescriptions_import


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_catalogue_loads_idempotently_with_targets(db):
    created, updated, unchanged = indicators_load_catalogue()
    assert created >= 12 and updated == 0
    assert indicators_load_catalogue() == (0, 0, created)
    volume = Indicator.objects.get(code="antibiotika-recepter", cluster=None)
    assert volume.target == 350 and volume.direction == "low" and volume.numerator_atc == "J01"
    penv = Indicator.objects.get(code="penicillin-v-andel")
    assert penv.target == 36 and penv.denominator_atc == "J01" and penv.numerator_measure == "recepter"
    assert Indicator.objects.get(code="gabapentinoider").numerator_atc == "N03AX12,N03AX16"
    assert all(i.checked_by and i.author and i.next_review for i in Indicator.objects.all())
    out = io.StringIO()
    call_command("load_indicators", stdout=out)
    assert "0 nye" in out.getvalue()


def test_windows_1252_semicolon_decimal_comma_with_aeoeaa(tmp_path, world, catalogue):
    yd = world.practice.provider_number
    text = (
        "Ydernummer;Indikator;Periode;Tæller;Nævner\r\n"
        f"{yd};attester;2025-03;12;2.450\r\n"
        f"{yd};attester;2025-Q2;30,0;2450\r\n"
        f"{world.other_practice.provider_number};ATTESTER;2025;101;1.800\r\n"
        "\r\n"
    )
    path = write(tmp_path, "målinger æøå.csv", text, "cp1252")
    result = measurements_import(path=path, cluster=world.cluster, file_name=path.name)
    assert result.ok, result.errors
    assert result.created == 3
    m = Measurement.objects.get(practice=world.practice, granularity="month")
    assert (m.numerator, m.denominator, m.period_start.isoformat()) == (12, 2450, "2025-03-01")
    q = Measurement.objects.get(practice=world.practice, granularity="quarter")
    assert q.period_start.isoformat() == "2025-04-01" and q.numerator == 30
    log = ImportLog.objects.get()
    assert log.file_name == "målinger æøå.csv" and len(log.digest) == 64 and log.rows_read == 3


def test_prescriptions_windows_1252_decimal_comma_compute_every_indicator(tmp_path, world, catalogue):
    yd = world.practice.provider_number
    rx = write(
        tmp_path,
        "recepter.csv",
        "ydernummer;periode;atc;recepter;personer;ddd\n"
        f"{yd};2025-01;J01CE02;30;29;240,5\n"
        f"{yd};2025-01;J01CA04;70;66;630,25\n"
        f"{yd};2025-01;N02AX02;10;9;250\n"
        f"{yd};2025-01;N02AA01;10;8;200,0\n"
        f"{yd};2025-01;A10BA02;50;45;3000\n",
        "cp1252",
    )
    patients = write(
        tmp_path, "tilmeldte.csv", f"ydernummer;periode;tilmeldte patienter\n{yd};2025-01;2.400\n", "cp1252"
    )
    result = prescriptions_import(path=rx, patients_path=patients, cluster=world.cluster)
    assert result.ok, result.errors
    values = {
        m.indicator.code: (m.numerator, m.denominator)
        for m in Measurement.objects.filter(practice=world.practice).select_related("indicator")
    }
    assert values["antibiotika-recepter"] == (100, 2400)
    assert values["penicillin-v-andel"] == (30, 100)
    assert values["opioider-tramadol-andel"] == (10, 20)
    assert values["opioider-ddd"] == (450, 2400)
    assert values["fluconazol"] == (0, 2400)
    assert "opioider-oxycodon-andel" in values and values["opioider-oxycodon-andel"] == (0, 20)
    assert "attester" not in values  # self-reported, not computed from prescriptions


def test_reimport_of_the_same_file_changes_nothing(tmp_path, world, catalogue):
    yd = world.practice.provider_number
    path = write(
        tmp_path, "a.csv", f"ydernummer;indikator;periode;tæller;nævner\n{yd};attester;2025-01;7;2400\n"
    )
    first = measurements_import(path=path, cluster=world.cluster)
    assert first.created == 1
    before = list(Measurement.objects.values_list("pk", "numerator", "denominator", "import_log_id"))
    again = measurements_import(path=path, cluster=world.cluster)
    assert again.ok and not again.changed and again.unchanged == 1
    assert list(Measurement.objects.values_list("pk", "numerator", "denominator", "import_log_id")) == before
    assert ImportLog.objects.count() == 1


def test_newer_file_replaces_values_and_logs_the_replacement(tmp_path, world, catalogue):
    yd = world.practice.provider_number
    old = write(
        tmp_path, "a.csv", f"ydernummer;indikator;periode;tæller;nævner\n{yd};attester;2025-01;7;2400\n"
    )
    new = write(
        tmp_path,
        "b.csv",
        f"ydernummer;indikator;periode;tæller;nævner\n{yd};attester;2025-01;9;2400\n{yd};attester;2025-02;8;2400\n",
    )
    measurements_import(path=old, cluster=world.cluster)
    result = measurements_import(path=new, cluster=world.cluster, file_name="b.csv")
    assert (result.created, result.replaced) == (1, 1)
    assert Measurement.objects.get(period_start="2025-01-01").numerator == 9
    log = ImportLog.objects.get(file_name="b.csv")
    assert log.rows_replaced == 1
    assert log.replaced_values[0]["før"] == [7.0, 2400.0] and log.replaced_values[0]["nu"] == [9.0, 2400.0]
    assert log.replaced_values[0]["enhed"] == yd


def test_one_bad_line_imports_nothing_and_names_the_line(tmp_path, world, catalogue):
    yd = world.practice.provider_number
    path = write(
        tmp_path,
        "bad.csv",
        "ydernummer;indikator;periode;tæller;nævner\n"
        f"{yd};attester;2025-01;7;2400\n"
        f"{yd};attester;2025-02;7;2400\n"
        f"{yd};attester;2025-13;syv;2400\n"
        f"{yd};attester;2025-04;7;2400\n",
    )
    result = measurements_import(path=path, cluster=world.cluster)
    assert not result.ok
    assert [line for line, _ in result.errors] == [4]
    message = result.errors[0][1]
    assert "2025-13" in message and "syv" in message
    assert Measurement.objects.count() == 0 and ImportLog.objects.count() == 0


def test_prescription_file_with_one_bad_line_imports_nothing(tmp_path, world, catalogue):
    yd = world.practice.provider_number
    rx = write(
        tmp_path,
        "rx.csv",
        "ydernummer;periode;atc;recepter;personer;ddd\n"
        f"{yd};2025-01;J01CE02;30;29;240,5\n"
        f"{yd};2025-01;J01CA04;-3;66;630,25\n"
        f"{yd};2025-01;N02AX02;10;9;250\n",
    )
    patients = write(tmp_path, "pt.csv", f"ydernummer;periode;tilmeldte_patienter\n{yd};2025-01;2400\n")
    result = prescriptions_import(path=rx, patients_path=patients, cluster=world.cluster)
    assert [line for line, _ in result.errors] == [3]
    assert "Recepter »-3«" in result.errors[0][1]
    assert Measurement.objects.count() == 0


def test_practice_outside_the_cluster_is_an_error(tmp_path, world, other_world, catalogue):
    path = write(
        tmp_path,
        "x.csv",
        f"ydernummer;indikator;periode;tæller;nævner\n{other_world.practice.provider_number};attester;2025;7;2400\n",
    )
    result = measurements_import(path=path, cluster=world.cluster)
    assert result.errors and result.errors[0][0] == 2 and "ikke med i klyngen" in result.errors[0][1]


def test_english_headers_comma_separator_and_xlsx(tmp_path, world, catalogue):
    yd = world.practice.provider_number
    csv_path = write(
        tmp_path,
        "en.csv",
        "\ufeffprovider_number,indicator,period,numerator,denominator\n"
        f'{yd},attester,2024-Q1,"12,5",2400\n{yd},attester,2024,40,2400\n',
    )
    assert measurements_import(path=csv_path, cluster=world.cluster).created == 2
    book = Workbook()
    sheet = book.active
    sheet.append(["Ydernummer", "Indikator", "Periode", "Tæller", "Nævner"])
    sheet.append([int(yd), "attester", "2024-05", 3, 2400])
    sheet.append([int(yd), "sygedagpengeattester", 2023, 11, 2400])
    xlsx = tmp_path / "data.xlsx"
    book.save(xlsx)
    result = measurements_import(path=xlsx, cluster=world.cluster)
    assert result.ok, result.errors
    assert result.created == 2
    assert Measurement.objects.filter(granularity="year", period_start="2023-01-01").exists()


def test_national_and_regional_reference_values(tmp_path, catalogue):
    path = write(
        tmp_path,
        "ref.csv",
        "ydernummer;indikator;periode;tæller;nævner\n"
        "Hele landet;antibiotika-recepter;2025;2700000;5900000\n"
        "Region Hovedstaden;antibiotika-recepter;2025;850000;1900000\n",
    )
    result = measurements_import(path=path, national=True)
    assert result.ok, result.errors
    assert set(Measurement.objects.values_list("scope", flat=True)) == {"n", "rhovedstaden"}


def test_commands_generate_and_import(tmp_path, world, catalogue):
    out = io.StringIO()
    call_command(
        "generate_data",
        practices=3,
        months=12,
        seed=5,
        out=str(tmp_path),
        cluster=world.cluster.slug,
        atc=60,
        stdout=out,
    )
    call_command(
        "import_prescriptions",
        str(tmp_path / "recepter.csv"),
        patients=str(tmp_path / "tilmeldte.csv"),
        cluster=world.cluster.slug,
        stdout=out,
    )
    call_command(
        "import_measurements", str(tmp_path / "maalinger.csv"), cluster=world.cluster.slug, stdout=out
    )
    assert "nye værdier" in out.getvalue()
    again = io.StringIO()
    call_command(
        "import_prescriptions",
        str(tmp_path / "recepter.csv"),
        patients=str(tmp_path / "tilmeldte.csv"),
        cluster=world.cluster.slug,
        stdout=again,
    )
    # Read again (the measurements were imported since), and nothing changed.
    assert "Ingen ændringer" in again.getvalue() and "ikke læst igen" not in again.getvalue()
    skipped = io.StringIO()
    call_command(
        "import_measurements", str(tmp_path / "maalinger.csv"), cluster=world.cluster.slug, stdout=skipped
    )
    assert (
        "Ingen ændringer: filen er den samme" in skipped.getvalue() and "ikke læst igen" in skipped.getvalue()
    )


@pytest.mark.parametrize("seed", [1])
def test_generated_levels_are_plausible(tmp_path, seed):
    import polars as pl

    from klynge.quality.generate import generate

    files = generate(out=tmp_path, practices=40, months=24, seed=seed, n_atc=80)
    rx = pl.read_csv(
        files.prescriptions, separator=";", decimal_comma=True, schema_overrides={"ydernummer": pl.String}
    )
    pt = pl.read_csv(files.patients, separator=";", schema_overrides={"ydernummer": pl.String})
    j01 = rx.filter(pl.col("atc").str.starts_with("J01"))["recepter"].sum()
    penv = rx.filter(pl.col("atc") == "J01CE02")["recepter"].sum()
    patient_years = pt["tilmeldte_patienter"].sum() / 12
    assert 380 < j01 / patient_years * 1000 < 560
    assert 0.27 < penv / j01 < 0.40  # includes the shifted practices' rise
    winter = rx.filter(pl.col("atc").str.starts_with("J01") & pl.col("periode").str.ends_with("-01"))[
        "recepter"
    ].sum()
    summer = rx.filter(pl.col("atc").str.starts_with("J01") & pl.col("periode").str.ends_with("-07"))[
        "recepter"
    ].sum()
    assert winter > summer * 1.3
    assert files.shifted
