"""Reading import files with Polars: CSV or XLSX, ';' or ',', decimal comma, UTF-8 (BOM) or Windows-1252,
Danish or English headers, periods 2024 / 2024-Q1 / 2024-K1 / 2024-03.

Everything here is column-wise (Polars expressions); no Python loop runs over the rows of a file. Large
CSV files are scanned lazily and aggregated by the streaming engine before anything reaches Python.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import tempfile
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.conf import settings

MAX_ERRORS = 200
# No count of prescriptions, persons, DDD or listed patients for one practice, region or the whole
# country in one period comes near this; anything above (or not finite: 1e309 reads as infinity) is a
# mistake in the file. Limits of a kind of indicator (a share's numerator is at most its denominator)
# are checked where the indicator is known (importing/measurements.py).
MAX_COUNT = 1e12

PROVIDER_HEADERS = {
    "ydernummer": "provider",
    "ydernr": "provider",
    "ydernr.": "provider",
    "provider_number": "provider",
    "provider number": "provider",
    "provider": "provider",
}
MEASUREMENT_HEADERS = {
    **PROVIDER_HEADERS,
    "enhed": "provider",
    "unit": "provider",
    "indikator": "indicator",
    "indicator": "indicator",
    "periode": "period",
    "period": "period",
    "tæller": "numerator",
    "taeller": "numerator",
    "numerator": "numerator",
    "nævner": "denominator",
    "naevner": "denominator",
    "denominator": "denominator",
}
PRESCRIPTION_HEADERS = {
    **PROVIDER_HEADERS,
    "periode": "period",
    "period": "period",
    "atc": "atc",
    "atc-kode": "atc",
    "atc_kode": "atc",
    "atc_code": "atc",
    "atc code": "atc",
    "recepter": "prescriptions",
    "prescriptions": "prescriptions",
    "personer": "persons",
    "persons": "persons",
    "patients": "persons",
    "ddd": "ddd",
}
PATIENT_HEADERS = {
    **PROVIDER_HEADERS,
    "periode": "period",
    "period": "period",
    "tilmeldte_patienter": "patients",
    "tilmeldte patienter": "patients",
    "tilmeldte": "patients",
    "patienter": "patients",
    "listed_patients": "patients",
    "listed patients": "patients",
}
DANISH_NAMES = {
    "provider": "ydernummer",
    "indicator": "indikator",
    "period": "periode",
    "numerator": "tæller",
    "denominator": "nævner",
    "atc": "atc",
    "prescriptions": "recepter",
    "persons": "personer",
    "ddd": "ddd",
    "patients": "tilmeldte_patienter",
}


@dataclass
class Rows:
    """What a pipeline makes of its files: the rows to store (storing.SCHEMA) or the bad lines."""

    errors: list[tuple[int, str]] = field(default_factory=list)
    rows_read: int = 0
    frame: pl.DataFrame | None = None
    skipped_practices: int = 0  # national prescriptions: ydernumre not in the register


class ImportFileError(ValueError):
    """The file cannot be read at all (wrong type, no header, missing columns); the message is Danish."""


@dataclass
class FileInfo:
    path: Path
    name: str
    utf8_path: Path | None = None  # a transcoded copy when the file was Windows-1252
    separator: str = ","  # set by scan_table; ';' means Danish number conventions
    temporary: list[Path] = field(default_factory=list)

    def cleanup(self) -> None:
        for path in self.temporary:
            path.unlink(missing_ok=True)


CHUNK = 1 << 22


class Digests:
    """The SHA-256 of each file, computed in a thread of its own (hashlib lets go of the GIL), and whether
    a file has a '.' after its first line, which in a file with decimal commas may be a thousands
    separator that Polars' own number parser would take for a decimal point.

    The search for '.' runs at once; the hashing waits for :meth:`start` when `hash_now` is false, so
    that it runs while the caller writes to the database (one core) rather than while Polars parses
    (every core). Both read the files in chunks into one buffer."""

    def __init__(self, paths: list[Path], *, hash_now: bool = True):
        self.paths = [Path(p) for p in paths]
        self.bytes = sum(p.stat().st_size for p in self.paths)
        self._digests: list[str] = []
        self._dotted: list[bool] = []
        self._error: BaseException | None = None
        self._searched = threading.Event()
        self._go = threading.Event()
        if hash_now:
            self._go.set()
        self._thread = threading.Thread(target=self._run, name="klynge-digest", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        buffer = bytearray(CHUNK)
        try:
            for path in self.paths:
                self._dotted.append(self._has_dot(path, buffer))
            self._searched.set()
            self._go.wait()
            for path in self.paths:
                digest = hashlib.sha256()
                with path.open("rb", buffering=0) as handle, memoryview(buffer) as memory:
                    while size := handle.readinto(buffer):
                        digest.update(memory[:size])
                self._digests.append(digest.hexdigest())
        except BaseException as error:  # re-raised in the caller's thread
            self._error = error
        finally:
            self._searched.set()

    @staticmethod
    def _has_dot(path: Path, buffer: bytearray) -> bool:
        with path.open("rb", buffering=0) as handle:
            size, start = handle.readinto(buffer), buffer.find(b"\n") + 1
            while size:
                if buffer.find(b".", start, size) >= 0:
                    return True
                size, start = handle.readinto(buffer), 0
        return False

    def start(self) -> None:
        self._go.set()

    @property
    def digests(self) -> list[str]:
        self._go.set()
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._digests

    def dotted(self, index: int) -> bool:
        self._searched.wait()
        if self._error is not None:
            raise self._error
        return self._dotted[index]


def inspect_file(path: Path, name: str | None = None) -> FileInfo:
    """For a CSV that is not valid UTF-8, writes a UTF-8 copy (streamed, in chunks). The file's digest
    is the business of `Digests`, which reads it beside the parsing."""
    path = Path(path)
    info = FileInfo(path=path, name=name or path.name)
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = not is_xlsx(path)
    with path.open("rb") as handle:
        while utf8 and (chunk := handle.read(CHUNK)):
            # ASCII is valid UTF-8 on its own unless a character began in the chunk before.
            if not (chunk.isascii() and not decoder.getstate()[0]):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8 = False
    if not is_xlsx(path) and not utf8:
        tmp = tempfile.NamedTemporaryFile(prefix="klynge-import-", suffix=".csv", delete=False)  # noqa: SIM115 (kept after closing)
        with path.open("rb") as src, tmp:
            while chunk := src.read(1 << 22):
                tmp.write(chunk.decode("cp1252", errors="replace").encode("utf-8"))
        info.utf8_path = Path(tmp.name)
        info.temporary.append(info.utf8_path)
    return info


def check_xlsx_size(path: Path) -> None:
    """Refuses a workbook whose unpacked size or row count passes the limits in settings, before
    anything is unpacked: the sizes come from the ZIP directory, the row count from the sheets'
    `<dimension>` (or a streamed count of rows, which stops at the limit)."""
    max_bytes, max_rows = settings.IMPORT_XLSX_MAX_UNPACKED_BYTES, settings.IMPORT_XLSX_MAX_ROWS
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise ImportFileError("Regnearket kan ikke læses: filen er ikke en gyldig XLSX-fil.") from error
    with archive:
        entries = archive.infolist()
        unpacked = sum(entry.file_size for entry in entries)
        if unpacked > max_bytes or len(entries) > 10_000:
            raise ImportFileError(
                f"Regnearket fylder {unpacked / 1e6:.0f} MB udpakket; grænsen er {max_bytes / 1e6:.0f} MB. "
                "Gem data som CSV (semikolonsepareret), eller del filen op."
            )
        for entry in entries:
            if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
                rows = _sheet_rows(archive, entry, max_rows)
                if rows > max_rows:
                    raise ImportFileError(
                        f"Regnearket har over {max_rows:,} rækker; grænsen er {max_rows:,}. ".replace(
                            ",", "."
                        )
                        + "Gem data som CSV (semikolonsepareret), eller del filen op."
                    )


def _sheet_rows(archive, entry, limit: int) -> int:
    """The sheet's last row from its <dimension ref="A1:E1000">, else its rows counted up to limit+1."""
    with archive.open(entry) as stream:
        head = stream.read(4096)
        if match := re.search(rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head):
            return int(match.group(1))
        count, tail = head.count(b"<row "), head[-8:]
        while count <= limit and (chunk := stream.read(1 << 20)):
            count += (tail + chunk).count(b"<row ") - tail.count(b"<row ")
            tail = chunk[-8:]
        return count


def is_xlsx(path: Path) -> bool:
    with Path(path).open("rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def _normalise_header(name: str) -> str:
    return name.replace("\ufeff", "").strip().strip('"').strip().lower()


def scan_table(info: FileInfo, headers: dict[str, str], required: tuple[str, ...]) -> pl.LazyFrame:
    """A lazy frame with the canonical column names as strings and `line` (the line number in the file)."""
    if is_xlsx(info.path):
        check_xlsx_size(info.path)
        try:
            frame = pl.read_excel(info.path, engine="calamine", infer_schema_length=0)
        except Exception as error:  # fastexcel raises its own types for broken workbooks
            raise ImportFileError(f"Regnearket kan ikke læses: {error}") from error
        frame = frame.select(pl.all().cast(pl.String))
        lazy = frame.lazy().with_row_index("line", offset=2)
        columns = frame.columns
    else:
        path = info.utf8_path or info.path
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            first = handle.readline()
        if not first.strip():
            raise ImportFileError("Filen er tom.")
        separator = ";" if first.count(";") >= first.count(",") else ","
        info.separator = separator
        lazy = pl.scan_csv(
            path,
            separator=separator,
            infer_schema=False,
            row_index_name="line",
            row_index_offset=2,
            encoding="utf8-lossy",
            truncate_ragged_lines=True,
        )
        columns = [c for c in lazy.collect_schema().names() if c != "line"]
    mapping: dict[str, str] = {}
    for column in columns:
        canonical = headers.get(_normalise_header(column))
        if canonical and canonical not in mapping.values():
            mapping[column] = canonical
    missing = [DANISH_NAMES[c] for c in required if c not in mapping.values()]
    if missing:
        wanted = ", ".join(DANISH_NAMES[c] for c in required)
        raise ImportFileError(
            f"Linje 1: kolonnen {', '.join(missing)} mangler. Første linje skal være overskrifterne: {wanted}."
        )
    return lazy.select(
        pl.col("line").cast(pl.Int64), *[pl.col(src).alias(dst) for src, dst in mapping.items()]
    )


def scan_typed(
    path: Path, headers: dict[str, str], numeric: tuple[str, ...], categorical: tuple[str, ...] = ()
) -> pl.LazyFrame | None:
    """The fast path for large CSV files: Polars parses the numbers itself (decimal comma with ';').

    Returns None when the file is not a CSV or a required column is missing; a value Polars cannot
    parse, or bytes that are not UTF-8, make `collect` raise, and the caller then falls back to
    :func:`scan_table`, which reads every cell as text and names the bad lines. No line numbers: they
    are only wanted for errors, which the text path reports. The `categorical` columns get categories of
    their own (every distinct value in the file, readable from the dtype of a collected column).
    """
    if is_xlsx(path):
        return None
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        first = handle.readline().rstrip("\r\n")
    separator = ";" if first.count(";") >= first.count(",") else ","
    schema: dict[str, pl.DataType] = {}
    rename: dict[str, str] = {}
    for name in first.split(separator):
        original = name.strip('"')
        canonical = headers.get(_normalise_header(name))
        if canonical is not None and canonical not in rename.values():
            rename[original] = canonical
        schema[original] = (
            pl.Float64
            if canonical in numeric
            else pl.Categorical(pl.Categories.random())
            if canonical in categorical
            else pl.String
        )
    if not all(c in rename.values() for c in numeric):
        return None
    return pl.scan_csv(
        path, separator=separator, schema=schema, decimal_comma=separator == ";", encoding="utf8"
    ).rename(rename)


# Column expressions -------------------------------------------------------------------------------------


def text(name: str) -> pl.Expr:
    return pl.col(name).fill_null("").str.strip_chars().str.strip_chars('"')


def number(name: str, *, danish: bool = False) -> pl.Expr:
    """A number; null when unreadable. In a ';'-separated file (danish=True) '.' separates thousands and
    ',' is the decimal mark (2.450 = 2450; 12,5 = 12.5). Otherwise a ',' inside the (quoted) value marks a
    Danish number, and a value without one is read with a decimal point."""
    raw = pl.col(name).fill_null("").str.strip_chars().str.replace_all("\u00a0", "", literal=True)
    converted = raw.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    if danish:
        return converted.cast(pl.Float64, strict=False)
    return (
        pl.when(raw.str.contains(",", literal=True))
        .then(converted)
        .otherwise(raw)
        .cast(pl.Float64, strict=False)
    )


def whole_number(name: str) -> pl.Expr:
    """A whole number; '.' is read as a thousands separator (1.234) and ',0' is allowed."""
    raw = pl.col(name).fill_null("").str.strip_chars()
    return (
        raw.str.replace_all(".", "", literal=True)
        .str.replace(",", ".", literal=True)
        .cast(pl.Float64, strict=False)
    )


def provider(name: str = "provider") -> pl.Expr:
    """The ydernummer: digits, with leading zeros restored (spreadsheets drop them); null when invalid."""
    raw = text(name).str.replace(r"\.0$", "")
    return pl.when(raw.str.contains(r"^\d{1,6}$")).then(raw.str.zfill(6)).otherwise(None)


def period_columns(name: str = "period") -> list[pl.Expr]:
    """period_start (Date) and granularity ("year" | "quarter" | "month"); both null when unreadable."""
    raw = text(name).str.to_uppercase().str.replace_all(" ", "").str.replace(r"\.0$", "")
    year_only = raw.str.extract(r"^(\d{4})$", 1)
    q = raw.str.extract_groups(r"^(?<y>\d{4})-?[QK](?<q>[1-4])$")
    m = raw.str.extract_groups(r"^(?<y>\d{4})-(?<m>\d{1,2})(?:-01)?(?:T00:00:00(?:\.0+)?)?$")
    m_year = m.struct.field("y").cast(pl.Int32)
    m_month = m.struct.field("m").cast(pl.Int32)
    valid_month = m_month.is_between(1, 12)
    year = (
        pl.when(year_only.is_not_null())
        .then(year_only.cast(pl.Int32))
        .when(q.struct.field("y").is_not_null())
        .then(q.struct.field("y").cast(pl.Int32))
        .when(valid_month)
        .then(m_year)
    )
    month = (
        pl.when(year_only.is_not_null())
        .then(1)
        .when(q.struct.field("q").is_not_null())
        .then((q.struct.field("q").cast(pl.Int32) - 1) * 3 + 1)
        .when(valid_month)
        .then(m_month)
    )
    granularity = (
        pl.when(year_only.is_not_null())
        .then(pl.lit("year"))
        .when(q.struct.field("q").is_not_null())
        .then(pl.lit("quarter"))
        .when(valid_month)
        .then(pl.lit("month"))
    )
    year_ok = year.is_between(1990, 2100)
    return [
        pl.when(year_ok).then(pl.date(year, month, 1)).alias("period_start"),
        pl.when(year_ok).then(granularity).alias("granularity"),
    ]


def not_blank(columns: tuple[str, ...] | list[str]) -> pl.Expr:
    """A line with something in it: spreadsheets often end a file with empty lines, which are no error."""
    return pl.any_horizontal([text(c) != "" for c in columns])


def problem(condition: pl.Expr, message: pl.Expr | str) -> pl.Expr:
    message = pl.lit(message) if isinstance(message, str) else message
    return pl.when(condition).then(message).otherwise(pl.lit(None, dtype=pl.String))


def errors_expr(problems: list[pl.Expr]) -> pl.Expr:
    joined = pl.concat_str(problems, separator="; ", ignore_nulls=True)
    return pl.when(joined != "").then(joined).alias("error")


def period_problem(name: str = "period") -> pl.Expr:
    return problem(
        pl.col("period_start").is_null(),
        pl.format("periode »{}« skal skrives 2024, 2024-Q1 eller 2024-03", text(name)),
    )


def provider_problem() -> pl.Expr:
    return problem(
        pl.col("provider_number").is_null(), pl.format("ydernummer »{}« skal være 6 cifre", text("provider"))
    )


def count_problem(source: str, target: str, label: str, *, whole: bool, required: bool = True) -> pl.Expr:
    value = pl.col(target)
    bad_text = value.is_null() & (text(source) != "") if not required else value.is_null()
    checks = bad_text | (value < 0)
    if whole:
        checks = checks | (value.is_not_null() & (value != value.round(0)) & value.is_finite())
    kind = "et helt tal" if whole else "et tal"
    return pl.coalesce(
        problem(checks, pl.format(f"{label} »{{}}« skal være {kind} på 0 eller mere", text(source))),
        bound_problem(source, target, label),
    )


def bound_problem(source: str, target: str, label: str) -> pl.Expr:
    """A number that is infinite (1e309 reads as infinity) or larger than any real count."""
    value = pl.col(target)
    return problem(
        value.is_not_null() & (~value.is_finite() | (value > MAX_COUNT)),
        pl.format(f"{label} »{{}}« er for stort; højst {MAX_COUNT:,.0f}".replace(",", "."), text(source)),
    )


def error_rows(frame: pl.DataFrame) -> list[tuple[int, str]]:
    return [(int(line), str(msg)[:1].upper() + str(msg)[1:] + ".") for line, msg in frame.iter_rows()]
