"""The Polars side of imports: files in, rows to store out; nothing here writes to the database.

* `reading`: opening CSV and XLSX files (encodings, separators, headers, XLSX limits), digests, and the
  column expressions every check is made of (numbers, ydernumre, periods, Danish messages);
* `measurements`: the long-format file of indicator values;
* `prescriptions`: the prescription and listed-patient files, summed into the catalogue's indicators.

quality/services.py is the write entry point: it asks these for rows and stores them (quality/storing.py).
"""
