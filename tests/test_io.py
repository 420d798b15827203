"""Robust reading and atomic writing (toolkit_helpers.io)."""
import os

import pandas as pd
import pytest

from toolkit_helpers import io as tio
from toolkit_helpers.errors import DataFileError

ROWS = [["Supplier", "Amount (£)"], ["Café Ltd", "1,000.00"], ["B", "(12.50)"]]


def csv_text(rows, nl):
    return nl.join(",".join(f'"{c}"' if "," in c else c for c in r) for r in rows) + nl


@pytest.mark.parametrize("encoding,bom", [("utf-8", False), ("utf-8", True), ("cp1252", False)])
@pytest.mark.parametrize("nl", ["\r\n", "\n", "\r"])
def test_every_encoding_and_line_ending_reads_the_same(tmp_path, encoding, bom, nl):
    raw = csv_text(ROWS, nl).encode(encoding)
    p = tmp_path / "f.csv"
    p.write_bytes((b"\xef\xbb\xbf" if bom else b"") + raw)
    assert tio.read_csv_rows(p) == ROWS
    d = tio.read_text(p)
    assert d.encoding == ("utf-8-sig" if bom else encoding)
    assert d.line_ending == {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}[nl]


def test_cp1252_undefined_bytes_are_not_lost():
    raw = "£".encode("cp1252") + b"\x81" + b"x"
    d = tio.decode_text(raw)
    assert d.encoding == "cp1252" and d.text == "£\x81x"


def test_binary_and_excel_renamed_csv_are_refused(tmp_path):
    p = tmp_path / "junk.csv"
    p.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DataFileError, match="binary"):
        tio.read_csv_rows(p)
    p.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    with pytest.raises(DataFileError, match="Excel"):
        tio.read_csv_rows(p)


def test_missing_file_message(tmp_path):
    with pytest.raises(DataFileError) as err:
        tio.read_csv_rows(tmp_path / "none.csv")
    assert "file not found" in str(err.value) and "none.csv" in str(err.value)


def test_semicolon_and_tab_delimiters(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("a;b;c\n1;2;3\n4;5;6\n")
    assert tio.read_csv_rows(p)[1] == ["1", "2", "3"]
    p.write_text("a\tb\n1\t2\n")
    assert tio.read_csv_rows(p)[1] == ["1", "2"]


def test_find_header_row_any_position():
    rows = [["Spend report"], [], ["x", "y"], ["Supplier", "Amount"]]
    score = lambda r: sum(c in ("Supplier", "Amount") for c in r)
    assert tio.find_header_row(rows, score) == 3
    assert tio.find_header_row([["a"], ["b"]], score) is None


def test_normalise_header():
    assert tio.normalise_header("\ufeffNet Amount(£) ") == "net amount"
    assert tio.normalise_header("Name:") == "name"


def test_excel_rows_every_sheet_and_one(tmp_path):
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Apr"
    ws.append(["Date", "Amount"])
    ws.append([dt.datetime(2024, 4, 3), 12.5])
    ws.append([None, 3.0])
    ws2 = wb.create_sheet("May")
    ws2.append(["Date", "Amount"])
    p = tmp_path / "w.xlsx"
    wb.save(p)
    sheets = tio.read_excel_rows(p)
    assert [s for s, _ in sheets] == ["Apr", "May"]
    assert sheets[0][1] == [["Date", "Amount"], ["2024-04-03", "12.5"], ["", "3"]]
    assert tio.read_rows(p, sheet="May")[0][0] == "May"
    with pytest.raises(DataFileError, match="no sheet called 'Jun'"):
        tio.read_excel_rows(p, sheet="Jun")


def test_truncated_and_password_protected_xlsx(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    good = tmp_path / "g.xlsx"
    wb.save(good)
    bad = tmp_path / "t.xlsx"
    bad.write_bytes(good.read_bytes()[:300])
    with pytest.raises(DataFileError, match="cannot be opened"):
        tio.read_excel_rows(bad)
    enc = tmp_path / "p.xlsx"  # encrypted workbooks are OLE compound files
    enc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(DataFileError, match="password"):
        tio.read_excel_rows(enc)


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path):
    p = tmp_path / "out" / "a.txt"
    tio.atomic_write_text(p, "one")
    tio.atomic_write_text(p, "two")
    assert p.read_text() == "two"
    assert sorted(os.listdir(p.parent)) == ["a.txt"]


def test_atomic_write_failure_keeps_old_file(tmp_path, monkeypatch):
    p = tmp_path / "a.txt"
    tio.atomic_write_text(p, "old")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(tio.os, "replace", boom)
    with pytest.raises(OSError):
        tio.atomic_write_text(p, "new")
    assert p.read_text() == "old"
    assert os.listdir(tmp_path) == ["a.txt"]


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("@SUM(A1)", "'@SUM(A1)"),
    ("-12.50", "-12.50"), ("-1,000", "-1,000"), ("-foo", "'-foo"), ("plain", "plain"),
    (12, 12), ("\t=x", "'\t=x"),
])
def test_neutralise_formula(value, expected):
    assert tio.neutralise_formula(value) == expected


def test_write_csv_neutralises(tmp_path):
    df = pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "ok"], "amount": [-1.5, 2.0]})
    p = tio.write_csv(df, tmp_path / "o.csv")
    text = p.read_text()
    assert "'=HYPERLINK" in text and "-1.5" in text


def test_iter_paths(tmp_path):
    (tmp_path / "b.csv").write_text("x")
    (tmp_path / "a.xlsx").write_text("x")
    (tmp_path / "~$a.xlsx").write_text("lock file")
    (tmp_path / "notes.txt").write_text("x")
    assert [p.name for p in tio.iter_paths(tmp_path)] == ["a.xlsx", "b.csv"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataFileError, match="no files matching"):
        tio.iter_paths(empty)


def test_write_csv_neutralises_headers_and_every_column_type(tmp_path):
    import pandas as pd

    from toolkit_helpers.io import write_csv

    df = pd.DataFrame({"=HYPERLINK(\"http://x\")": ["a"], "cat": pd.Categorical(["=1+2"]),
                       "mixed": [pd.Series(["@SUM(A1)"], dtype=object).iloc[0]],
                       "amount": [-12.5], "text": ["-12.50"],
                       "flag": pd.array([pd.NA], dtype="string")})
    p = write_csv(df, tmp_path / "out.csv")
    import csv

    header, row = list(csv.reader(p.read_text(encoding="utf-8").splitlines()))
    assert header == ["'=HYPERLINK(\"http://x\")", "cat", "mixed", "amount", "text", "flag"]
    assert row[1:] == ["'=1+2", "'@SUM(A1)", "-12.5", "-12.50", ""]


# ----------------------------------------------------------------------------- limits

def test_limits_come_from_the_environment_then_limits(monkeypatch):
    from toolkit_helpers.errors import ConfigError

    assert tio.limits() == tio.LIMITS and set(tio.LIMIT_ENV.values()) == {
        "TOOLKIT_MAX_FILE_MB", "TOOLKIT_MAX_COLUMNS", "TOOLKIT_MAX_CELLS",
        "TOOLKIT_MAX_UNZIPPED_MB", "TOOLKIT_MAX_JSON_DEPTH"}
    monkeypatch.setenv("TOOLKIT_MAX_COLUMNS", "99")
    assert tio.limit("max_columns") == 99
    monkeypatch.setenv("TOOLKIT_MAX_COLUMNS", "lots")
    with pytest.raises(ConfigError, match="TOOLKIT_MAX_COLUMNS"):
        tio.limit("max_columns")
    monkeypatch.delenv("TOOLKIT_MAX_COLUMNS")
    old = tio.set_limits({"max_columns": "1,000"})
    try:
        assert old == {"max_columns": 16_384} and tio.limit("max_columns") == 1000
        with pytest.raises(ConfigError, match="max_columns"):
            tio.set_limits(max_column=5)  # did you mean
        with pytest.raises(ConfigError, match="above 0"):
            tio.set_limits(max_cells=0)
    finally:
        tio.set_limits(old)
    assert tio.limit("max_columns") == 16_384


def test_file_size_limit_says_how_to_raise_it(tmp_path, monkeypatch):
    p = tmp_path / "big.csv"
    p.write_bytes(b"a,b\n" * (600 * 1024))  # 2.4 MB
    monkeypatch.setenv("TOOLKIT_MAX_FILE_MB", "2")
    with pytest.raises(DataFileError) as info:
        tio.read_text(p)
    message = str(info.value)
    assert "big.csv" in message and "too large" in message and "TOOLKIT_MAX_FILE_MB" in message
    assert "settings: limits: max_file_mb" in message and "set_limits(max_file_mb=" in message
    monkeypatch.setenv("TOOLKIT_MAX_FILE_MB", "3")
    assert len(tio.read_csv_rows(p)) == 600 * 1024


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_only_regular_files_are_opened(tmp_path):
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    zero = tmp_path / "zero.csv"
    zero.symlink_to("/dev/zero")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    for p, what in ((pipe, "named pipe"), (zero, "device"), (folder, "folder")):
        for read in (tio.read_text, tio.read_bytes, tio.read_workbook):
            with pytest.raises(DataFileError, match=what):
                read(p)
    with pytest.raises(DataFileError, match="file not found"):
        tio.read_bytes(tmp_path / "missing.csv")
    ok = tmp_path / "ok.csv"
    ok.write_text("a,b")
    assert tio.check_regular_file(ok).st_size == 3


def test_table_shape_is_checked_before_parsing(monkeypatch):
    with pytest.raises(DataFileError, match="too many columns") as info:
        tio.parse_csv_text("a,b\n" + "," * 20_000 + "\n", file="w.csv")
    assert info.value.row == 2 and "TOOLKIT_MAX_COLUMNS" in str(info.value)
    # delimiters inside quotes (even across lines) are not columns
    quoted = 'a,b\n1,"' + ",\n" * 20_000 + '"\n'
    assert len(tio.parse_csv_text(quoted)) == 2
    monkeypatch.setenv("TOOLKIT_MAX_CELLS", "100")
    assert tio.check_table_shape("a,b\n" * 50) == (50, 2)
    with pytest.raises(DataFileError, match="too many cells") as info:
        tio.check_table_shape("a,b,c\n" * 50, file="c.csv")
    assert "50 rows × 3 columns" in str(info.value)


def test_lines_of_two_encodings_are_decoded_line_by_line():
    raw = ("Name\nCaf\u00e9\n".encode() + "\u00a35 \u2013 tea\n".encode("cp1252")
           + "na\u00efve\n".encode())
    d = tio.decode_text(raw)
    assert d.encoding == "mixed" and d.cp1252_lines == (3,)
    assert d.text == "Name\nCaf\u00e9\n\u00a35 \u2013 tea\nna\u00efve\n"
    assert "line 3 decoded as Windows-1252" in tio.encoding_note(d)
    only = tio.decode_text("Caf\u00e9 \u00a35\n".encode("cp1252"))  # no UTF-8 line: Windows-1252
    assert only.encoding == "cp1252" and tio.encoding_note(only) is None
    assert tio.decode_text(b"\xef\xbb\xbf" + raw).text == d.text


def _workbook(path, rows, merges=(), edit=None):
    import io
    import re
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if edit and info.filename.startswith("xl/worksheets/"):
                data = edit(re, data)
            zout.writestr(info, data)
    return path


def test_workbook_merged_cells_formulas_and_notes(tmp_path):
    p = _workbook(tmp_path / "w.xlsx", [["Supplier", "Amount", "Note"], ["Acme", 1, "=A2&\"!\""],
                                        [None, 2, None], [None, "=B2+B3", None], ["Beta", 4, None]],
                  merges=("A2:A4", "C3:D3"))
    (sheet,) = tio.read_workbook(p)
    assert [r[0] for r in sheet.rows] == ["Supplier", "Acme", "Acme", "Acme", "Beta"]
    assert sheet.rows[3][1] == "=B2+B3" and sheet.rows[1][2] == '=A2&"!"'
    assert sheet.formulas == {(2, 3): 'A2&"!"', (4, 2): "B2+B3"}
    notes = " ".join(sheet.notes)
    assert "merged cells filled down" in notes and "A2:A4 ('Acme')" in notes
    assert "2 formula cells without a saved value (e.g. C2" in notes and tio.FORMULA_HINT in notes
    # a formula with a saved value (as Excel writes it), or a saved empty text, is not marked
    saved = _workbook(tmp_path / "v.xlsx", [["A", "B"], [1, "=A2*2"], [2, '=""']],
                      edit=lambda re, x: re.sub(rb'<c r="B2"><f>A2\*2</f><v\s*/?>(?:</v>)?',
                                                b'<c r="B2"><f>A2*2</f><v>2</v>', x)
                      .replace(b'<c r="B3">', b'<c r="B3" t="str">'))
    (sheet,) = tio.read_workbook(saved)
    assert sheet.rows[1] == ["1", "2"] and sheet.rows[2] == ["2", ""] and not sheet.notes


def test_workbook_size_claims_and_cells_are_bounded(tmp_path, monkeypatch):
    p = _workbook(tmp_path / "w.xlsx", [["a", "b"], [1, 2]],
                  edit=lambda re, x: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', x))
    (sheet,) = tio.read_workbook(p)
    assert sheet.rows == [["a", "b"], ["1", "2"]]
    assert "says it spans A1:XFD1048576" in sheet.notes[0]
    monkeypatch.setenv("TOOLKIT_MAX_CELLS", "5")
    with pytest.raises(DataFileError, match="too many cells"):
        tio.read_workbook(_workbook(tmp_path / "x.xlsx", [[1, 2, 3], [4, 5, 6]]))


def test_workbook_unzipped_size_is_checked_before_unzipping(tmp_path, monkeypatch):
    import zipfile

    p = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b" " * (3 << 20))
    assert p.stat().st_size < 20_000
    monkeypatch.setenv("TOOLKIT_MAX_UNZIPPED_MB", "2")
    with pytest.raises(DataFileError, match="unzips to too much") as info:
        tio.read_workbook(p)
    assert "3 MB" in str(info.value) and "TOOLKIT_MAX_UNZIPPED_MB" in str(info.value)
    monkeypatch.setenv("TOOLKIT_MAX_UNZIPPED_MB", "4")
    with pytest.raises(DataFileError, match="cannot be opened"):  # then: not a workbook
        tio.read_workbook(p)


def test_json_depth_is_counted_without_parsing():
    assert tio.json_depth('{"a": [1, {"b": "[[[[{{"}]}') == 3
    assert tio.json_depth("[" * 5000 + "]" * 5000) == 5000
    assert tio.load_json('{"a": [1, 2]}') == {"a": [1, 2]}
    with pytest.raises(DataFileError, match="nests too deeply") as info:
        tio.load_json("[" * 10_000 + "]" * 10_000, file="deep.json")
    assert "10,000 levels" in str(info.value) and "TOOLKIT_MAX_JSON_DEPTH" in str(info.value)


@pytest.mark.parametrize("text,style", [
    ("12,5", "comma"), ("1.234,56", "comma"), ("£(1.234,56)", "comma"), ("1234,567", "comma"),
    ("12.50", "point"), ("1,234.56", "point"), (".5", "point"), ("1,234", "grouped_comma"),
    ("1.234", "grouped_dot"), ("1.234.567", "grouped_dot"), ("1000", None), ("abc", None)])
def test_number_style(text, style):
    assert tio.number_style(text) == style


def test_choose_decimal():
    assert tio.choose_decimal(3, 1)[0] == ","
    assert tio.choose_decimal(1, 3)[0] == "."
    assert tio.choose_decimal(2, 2)[0] is None
    assert tio.choose_decimal(0, 0, grouped_dot=2, delimiter=";")[0] == ","
    assert tio.choose_decimal(0, 0, grouped_dot=2, delimiter=",")[0] == "."
    assert tio.choose_decimal(0, 0, grouped_dot=1, grouped_comma=1, delimiter=";")[0] is None
