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
