"""Small OpenDocument (.ods) and old-style Excel (.xls) workbooks written by hand for the tests,
so neither odfpy nor xlwt (nor LibreOffice) is needed.

- :func:`write_ods` — a zip with ``mimetype`` (stored first), ``META-INF/manifest.xml`` and
  ``content.xml`` (OpenDocument 1.2): text, numbers, dates, booleans, merged ranges
  (``number-rows-spanned``), formulas with or without a saved value, repeated cells and rows.
- :func:`write_xls` — a BIFF8 workbook stream (BOF, XF records with a date format, BOUNDSHEET,
  LABEL/NUMBER/BOOLERR cells, MERGEDCELLS, EOF) inside a minimal OLE compound file (one FAT
  sector, one directory sector; the stream padded past 4,096 bytes so no mini stream is
  needed), as Excel 97–2003 saves it in outline.
"""
from __future__ import annotations

import datetime as dt
import struct
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"

#: A formula cell: ``Formula("of:=[.B2]*2")`` (no saved value) or ``Formula(..., value=4)``.


class Formula:
    def __init__(self, formula: str, value=None):
        self.formula, self.value = formula, value


class Merge:
    """A cell spanning ``rows`` rows and ``cols`` columns (the cells it covers are written as
    covered cells)."""

    def __init__(self, value, rows: int = 1, cols: int = 1):
        self.value, self.rows, self.cols = value, rows, cols


class Repeat:
    """One cell written once with ``number-columns-repeated``."""

    def __init__(self, value, times: int):
        self.value, self.times = value, times


def _ods_value(value) -> str:
    """The attributes and text of an OpenDocument cell holding ``value``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return (f' office:value-type="boolean" office:boolean-value="{str(value).lower()}">'
                f"<text:p>{str(value).upper()}</text:p")
    if isinstance(value, (int, float)):
        return f' office:value-type="float" office:value="{value!r}"><text:p>{value}</text:p'
    if isinstance(value, dt.datetime):
        return (f' office:value-type="date" office:date-value="{value.isoformat()}">'
                f"<text:p>{value:%d/%m/%Y %H:%M}</text:p")
    if isinstance(value, dt.date):
        return (f' office:value-type="date" office:date-value="{value.isoformat()}">'
                f"<text:p>{value:%d/%m/%Y}</text:p")
    return f' office:value-type="string"><text:p>{escape(str(value))}</text:p'


def _ods_cell(value, extra: str = "") -> str:
    if isinstance(value, Formula):
        attrs = f" table:formula={quoteattr(value.formula)}{extra}"
        if value.value is None:
            return f"<table:table-cell{attrs}/>"
        inner = _ods_value(value.value)
        return f"<table:table-cell{attrs}{inner}></table:table-cell>"
    inner = _ods_value(value)
    if not inner:
        return f"<table:table-cell{extra}/>"
    return f"<table:table-cell{extra}{inner}></table:table-cell>"


def write_ods(path: Path, sheets: dict[str, list[list]], trailing_empty: bool = True) -> Path:
    """An .ods workbook: ``{sheet name: rows}``; a cell may be a value, ``None``,
    :class:`Formula`, :class:`Merge` or :class:`Repeat`. With ``trailing_empty`` each row ends
    with 1,000 repeated empty cells and each sheet with 1,000,000 repeated empty rows, as
    LibreOffice writes them (nothing to read there)."""
    body = []
    for name, rows in sheets.items():
        width = max((sum(c.times if isinstance(c, Repeat) else 1 for c in r) for r in rows),
                    default=0)
        body.append(f"<table:table table:name={quoteattr(name)}>"
                    f'<table:table-column table:number-columns-repeated="{width + 1000}"/>')
        covered: dict[tuple[int, int], int] = {}
        for i, row in enumerate(rows):
            cells, j = [], 0
            for value in row:
                if (i, j) in covered:
                    cells.append("<table:covered-table-cell/>")
                    j += 1
                    continue
                if isinstance(value, Merge):
                    extra = (f' table:number-rows-spanned="{value.rows}"'
                             f' table:number-columns-spanned="{value.cols}"')
                    for r in range(i, i + value.rows):
                        for c in range(j, j + value.cols):
                            if (r, c) != (i, j):
                                covered[(r, c)] = 1
                    cells.append(_ods_cell(value.value, extra))
                    j += 1
                elif isinstance(value, Repeat):
                    extra = f' table:number-columns-repeated="{value.times}"'
                    cells.append(_ods_cell(value.value, extra))
                    j += value.times
                else:
                    cells.append(_ods_cell(value))
                    j += 1
            while (i, j) in covered:
                cells.append("<table:covered-table-cell/>")
                j += 1
            if trailing_empty:
                cells.append('<table:table-cell table:number-columns-repeated="1000"/>')
            body.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
        if trailing_empty:
            body.append('<table:table-row table:number-rows-repeated="1000000">'
                        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
        body.append("</table:table>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.2">'
        "<office:body><office:spreadsheet>" + "".join(body) +
        "</office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIME}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), ODS_MIME, compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return path


# ----------------------------------------------------------------------------- .xls (BIFF8)

def _record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _bof(kind: int) -> bytes:
    # BIFF8 (0x0600); kind 0x0005 workbook globals, 0x0010 worksheet
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 1996, 0, 0x0006))


def _xf(fmt: int, style: bool = False) -> bytes:
    # font 0, number format `fmt`; a cell XF (parent 0) or the style XF
    prot = 0xFFF5 if style else 0x0001
    return _record(0x00E0, struct.pack("<HHHBBBBIIH", 0, fmt, prot, 0x20, 0, 0, 0, 0, 0, 0x20C0))


def _text(value: str) -> bytes:
    raw = value.encode("utf-16-le")
    return struct.pack("<HB", len(value), 1) + raw


def _excel_serial(value: dt.date) -> float:
    if isinstance(value, dt.datetime):
        delta = value - dt.datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400
    return float((value - dt.date(1899, 12, 30)).days)


def _sheet_stream(rows: list[list], merges: list[tuple[int, int, int, int]]) -> bytes:
    """A worksheet substream: cells LABEL (text), NUMBER (numbers; dates with XF 16, built-in
    format 14), BOOLERR (true/false); ``merges`` as 0-based (row0, row1, col0, col1)."""
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    out = _bof(0x0010) + _record(0x0200, struct.pack("<IIHHH", 0, height, 0, width, 0))
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool):
                out += _record(0x0205, struct.pack("<HHHBB", i, j, 15, int(value), 0))
            elif isinstance(value, (int, float)):
                out += _record(0x0203, struct.pack("<HHHd", i, j, 15, float(value)))
            elif isinstance(value, dt.date):
                out += _record(0x0203, struct.pack("<HHHd", i, j, 16, _excel_serial(value)))
            else:
                out += _record(0x0204, struct.pack("<HHH", i, j, 15) + _text(str(value)))
    if merges:
        out += _record(0x00E5, struct.pack("<H", len(merges)) +
                       b"".join(struct.pack("<HHHH", *m) for m in merges))
    return out + _record(0x000A)


def _workbook_stream(sheets: dict[str, tuple[list[list], list]]) -> bytes:
    fonts = _record(0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0)
                    + struct.pack("<BB", 5, 1) + "Arial".encode("utf-16-le"))
    xfs = b"".join(_xf(0, style=True) for _ in range(15)) + _xf(0) + _xf(14)  # 15: general, 16: date
    head = _bof(0x0005) + _record(0x0042, struct.pack("<H", 1200)) + fonts * 5 + xfs
    bodies = [_sheet_stream(rows, merges) for rows, merges in sheets.values()]
    names = [_record(0x0085, struct.pack("<IBB", 0, 0, 0) + struct.pack("<BB", len(n), 1)
                     + n.encode("utf-16-le")) for n in sheets]
    globals_len = len(head) + sum(len(b) for b in names) + len(_record(0x000A))
    offset = globals_len
    boundsheets = b""
    for rec, body in zip(names, bodies):
        boundsheets += rec[:4] + struct.pack("<I", offset) + rec[8:]
        offset += len(body)
    return head + boundsheets + _record(0x000A) + b"".join(bodies)


def _compound_file(stream: bytes, name: str = "Workbook") -> bytes:
    """``stream`` as the one stream of an OLE compound file (version 3, 512-byte sectors)."""
    stream = stream + b"\x00" * max(0, 4096 - len(stream))  # no mini stream below 4,096 bytes
    n = -(-len(stream) // 512)
    data = stream + b"\x00" * (n * 512 - len(stream))
    end, free, fat_sect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    dir_sector, fat_sector = n, n + 1
    fat = [i + 1 for i in range(n - 1)] + [end, end, fat_sect]
    fat += [free] * (128 - len(fat))
    assert len(fat) == 128, "one FAT sector holds 128 sectors: keep test workbooks small"

    def entry(label: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = (label.encode("utf-16-le") + b"\x00\x00") if label else b""
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", free, free, child) + b"\x00" * 16 + struct.pack("<I", 0)
                + b"\x00" * 16 + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, 1, end, 0) + entry(name, 2, free, 0, len(stream))
                 + entry("", 0, free, free, 0) * 2)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, dir_sector, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", fat_sector) + struct.pack("<I", free) * 108)
    assert len(header) == 512 and len(directory) == 512
    return header + data + directory + struct.pack("<128I", *fat)


def write_xls(path: Path, sheets: dict[str, list[list]],
              merges: dict[str, list[tuple[int, int, int, int]]] | None = None) -> Path:
    """An old-style .xls workbook (BIFF8): ``{sheet name: rows}`` of text, numbers, dates,
    true/false and ``None``; ``merges`` per sheet as 1-based ``(row0, col0, row1, col1)``."""
    merges = merges or {}
    streams = {name: (rows, [(r0 - 1, r1 - 1, c0 - 1, c1 - 1)
                             for r0, c0, r1, c1 in merges.get(name, [])])
               for name, rows in sheets.items()}
    path.write_bytes(_compound_file(_workbook_stream(streams)))
    return path
