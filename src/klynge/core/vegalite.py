"""Vega-Lite specs as plain data: the few pieces Klynge's charts use, written out as the JSON they are.

A spec is a dict that goes to vega-embed in the page and to vl-convert for SVG/PNG. Building it as data
costs microseconds; a chart library built objects, copied and validated them on every request (issue 18).
"""

from __future__ import annotations

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"

TYPES = {"N": "nominal", "Q": "quantitative", "T": "temporal", "O": "ordinal"}


def field(shorthand: str, **options) -> dict:
    """An encoding channel from "name:T" (T: N, Q, T or O) plus its options (title, format, sort, ...)."""
    name, _, kind = shorthand.rpartition(":")
    return {"field": name, "type": TYPES[kind], **options}


def layer(data: list[dict], mark: dict, **encoding) -> dict:
    """One layer with its own inline data."""
    return {"data": {"values": data}, "mark": mark, "encoding": encoding}


def layered(layers: list[dict], **properties) -> dict:
    """Layers drawn over each other; data common to every layer moves up to the top (as Altair wrote it)."""
    if layers and all(one.get("data") == layers[0].get("data") for one in layers):
        data = layers[0]["data"]
        layers = [{k: v for k, v in one.items() if k != "data"} for one in layers]
        return {"$schema": SCHEMA, "data": data, "layer": layers, **properties}
    return {"$schema": SCHEMA, "layer": layers, **properties}


def single(data: list[dict], mark: dict, encoding: dict, **properties) -> dict:
    return {"$schema": SCHEMA, "data": {"values": data}, "mark": mark, "encoding": encoding, **properties}


def _printable(spec: dict) -> dict:
    """A width that follows the page's container becomes 640 px, the width of a printed page."""
    return {**spec, "width": 640} if spec.get("width") == "container" else spec


def to_svg(spec: dict) -> str:
    """The chart drawn as SVG with Danish number and date formats."""
    # vl-convert loads a JavaScript engine; only the SVG and PNG exports need it.
    import vl_convert

    return vl_convert.vegalite_to_svg(_printable(spec), format_locale="da-DK", time_format_locale="da-DK")


def to_png(spec: dict) -> bytes:
    """The chart as a PNG at twice its size (sharp in Word and on paper)."""
    import vl_convert  # loaded by the exports only, as in to_svg

    return vl_convert.vegalite_to_png(
        _printable(spec), scale=2, format_locale="da-DK", time_format_locale="da-DK"
    )
