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
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    return _workbook_from(wb, path, edit)


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


# ----------------------------------------------------------------------------- delimiters

@pytest.mark.parametrize("text,delimiter", [
    # a semicolon export whose quoted purposes hold commas (more commas than semicolons)
    ("Supplier;Date;Amount;Purpose\n"
     + "".join(f'S{i} Ltd;0{i + 1}/04/2024;{i + 1}0,50;"Books, DVDs, maps, and, more"\n'
               for i in range(6)), ";"),
    # the same with a quoted value over two lines and a doubled quote
    ('Supplier;Amount;Purpose\nA;10;"Say ""hello, there"",\nthen, more, commas"\n'
     'B;20;"x, y, z, w"\nC;30;"p, q, r, s"\n', ";"),
    # bar-separated, quoted commas
    ('Supplier|Amount|Purpose\nA|10|"a, b, c, d"\nB|20|"e, f, g, h"\n', "|"),
    # comma-separated, quoted semicolons: still commas
    ('Supplier,Amount,Purpose\nA,10,"a; b; c; d; e"\nB,20,"f; g; h; i; j"\n', ","),
    # tab-separated, unquoted commas in every purpose: the header decides
    ("Supplier\tAmount\tPurpose\n" + "".join(f"S{i}\t{i}\tBooks, maps, DVDs, more\n"
                                             for i in range(6)), "\t"),
    # a quote inside an unquoted value is text, not the start of a quoted value
    ('Supplier,Amount,Item\nA,10,12" pipe; elbow\nB,20,3" pipe; tee\n', ","),
    # semicolons with decimal commas (as before)
    ("Supplier;Amount\nA;1.250,00\nB;12,5\n", ";"),
    ("a,b,c\n1,2,3\n", ","),
    ("", ","),
])
def test_sniff_delimiter_counts_separators_outside_quotes(text, delimiter):
    assert tio.sniff_delimiter(text) == delimiter


def test_delimiter_counts_leave_quoted_values_out():
    counts = tio.delimiter_counts('a;b;"c, d, e"\n"x;y";1;2\n"unclosed, x, y\n1;2;3\n')
    assert counts[";"] == [2, 2] and counts[","] == [0, 0]  # the unclosed record is left out


def test_semicolon_file_with_quoted_commas_is_read_whole(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("Supplier;Amount;Purpose\n" + "".join(
        f'S{i};{i}0,5;"Books, DVDs, maps, more"\n' for i in range(6)), encoding="utf-8")
    rows = tio.read_csv_rows(p)
    assert rows[1] == ["S0", "00,5", "Books, DVDs, maps, more"] and len(rows) == 7
    (table,) = tio.read_tables(p)
    assert table.delimiter == ";"


# ----------------------------------------------------------------------------- workbooks (calamine)

def _same_as_openpyxl(path):
    new, old = tio.read_workbook(path), tio._read_workbook_openpyxl(path)
    assert [s.name for s in new] == [s.name for s in old]
    for a, b in zip(new, old):
        assert a.rows == b.rows, a.name
        assert (a.notes, a.formulas) == (b.notes, b.formulas), a.name


def _shared_strings(path, out):
    """The workbook with its inline strings moved to a shared string table, as Excel writes."""
    import re
    import zipfile

    strings = []

    def shared(m):
        if m.group(2) not in strings:
            strings.append(m.group(2))
        return b"<c" + m.group(1) + b' t="s"><v>' + str(strings.index(m.group(2))).encode() + b"</v></c>"

    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<c([^>]*?) t="inlineStr"><is><t(?: [^>]*)?>([^<]*)</t></is></c>',
                              shared, data)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                    b'ContentType="application/vnd.openxmlformats-officedocument.'
                                    b'spreadsheetml.sharedStrings+xml"/></Types>')
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="http://'
                                    b"schemas.openxmlformats.org/officeDocument/2006/relationships/"
                                    b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
            zout.writestr(info, data)
        zout.writestr("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/'
                      b'spreadsheetml/2006/main">' + b"".join(
                          b'<si><t xml:space="preserve">' + s + b"</t></si>" for s in strings)
                      + b"</sst>")
    return out


def _many_kinds_of_cell(path, edit=None):
    import datetime as dt

    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Types & <more>"
    ws.append(["txt", 1, 2.5, True, False, dt.datetime(2024, 4, 3), dt.datetime(2024, 4, 3, 12, 30),
               dt.date(2024, 5, 1), dt.time(12, 30), dt.timedelta(hours=26), "=1+1", "#DIV/0!",
               None, 1e20, -0.0, 0.1 + 0.2, "  padded  ", "line\nbreak", "£ café", 10 ** 15])
    ws.append(["#N/A", '=A1&"x"', 1 / 3, -12.5])
    ws["C6"].font = Font(bold=True)  # a cell with only a format
    for i, fmt in enumerate(["dd/mm/yyyy", "mmm-yy", "[$-809]dd mmmm yyyy;@", "h:mm AM/PM",
                             "[h]:mm:ss", "0.00%", '"£"#,##0.00', "@"], start=8):
        ws.cell(i, 1, 45383.5).number_format = fmt
    offset = wb.create_sheet("Offset")
    offset["C3"], offset["E7"] = "start", 5
    wb.create_sheet("Empty")
    merged = wb.create_sheet("Merged")
    for r in [["Area", "Supplier", "Amount"], ["Libraries", "A", 1], [None, "B", 2], [None, "C", 3],
              ["Leisure", "D", 4]]:
        merged.append(r)
    merged.merge_cells("A2:A4")
    merged.merge_cells("B5:C5")
    hidden = wb.create_sheet("Hidden")
    hidden.append(["x"])
    hidden.sheet_state = "hidden"
    return _workbook_from(wb, path, edit)


def _workbook_from(wb, path, edit=None):
    import io
    import re
    import zipfile

    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if edit and info.filename.startswith("xl/worksheets/"):
                data = edit(re, data)
            zout.writestr(info, data)
    return path


@pytest.mark.parametrize("variant,edit", [
    ("as written", None),
    ("stated size larger than the data", lambda re, x: re.sub(rb'<dimension ref="[^"]*"',
                                                              b'<dimension ref="A1:Z40"', x)),
    ("no stated size", lambda re, x: re.sub(rb'<dimension ref="[^"]*"/>', b"", x)),
    ("stated size over max_cells", lambda re, x: re.sub(rb'<dimension ref="[^"]*"',
                                                        b'<dimension ref="A1:XFD1048576"', x)),
    ("formulas with saved values", lambda re, x: re.sub(rb"(<f>[^<]*</f>)<v\s*/?>(?:</v>)?",
                                                        rb"\1<v>7</v>", x)),
    ("r= not the first attribute", lambda re, x: re.sub(
        rb'<c r="([A-Z]+\d+)"( t="[^"]*")?',
        lambda m: b"<c" + (m.group(2) or b"") + b' r="' + m.group(1) + b'"', x)),
    ("empty and formatted rows below", lambda re, x: x.replace(
        b"</sheetData>", b'<row r="50"/><row r="60"><c r="D60" s="1"/></row></sheetData>')),
])
def test_calamine_reads_what_openpyxl_read(tmp_path, variant, edit):
    """python-calamine reads the cells; the rows, notes and formulas are what the openpyxl
    reader (kept as _read_workbook_openpyxl) gave, whatever the sheet's XML looks like."""
    p = _many_kinds_of_cell(tmp_path / "w.xlsx", edit)
    _same_as_openpyxl(p)
    _same_as_openpyxl(_shared_strings(p, tmp_path / "shared.xlsx"))


def test_calamine_reads_the_sample_workbooks_as_openpyxl_did(project_root):
    for p in sorted((project_root / "data" / "sample").rglob("*.xlsx")):
        _same_as_openpyxl(p)


def test_write_only_workbook_and_cells_without_references(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("W")
    for r in (["a", "b", "c"], [1], [], [None, None, "z"]):
        ws.append(r)
    p = tmp_path / "w.xlsx"
    wb.save(p)
    _same_as_openpyxl(p)  # no stated size: rows as long as their last cell
    # cells without r="A1" (allowed; some programs write them): read by openpyxl as before
    q = _workbook_from(openpyxl.load_workbook(p), tmp_path / "noref.xlsx",
                       lambda re, x: re.sub(rb' r="[A-Z]+\d+"', b"", x))
    assert tio.read_workbook(q)[0].rows[0] == ["a", "b", "c"]


def test_error_values_and_a_sheet_smaller_than_its_data(tmp_path):
    p = _many_kinds_of_cell(tmp_path / "w.xlsx", lambda re, x: re.sub(
        rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B1"', x))
    types = tio.read_workbook(p)[0]
    assert types.rows[0][11] == "#DIV/0!" and types.rows[1][0] == "#N/A"
    # openpyxl left out every cell outside a stated size that is too small; calamine reads them
    assert types.rows[1][:4] == ["#N/A", '=A1&"x"', "0.3333333333333333", "-12.5"]
    old = tio._read_workbook_openpyxl(p)[0]
    assert len(old.rows) == 1 and len(old.rows[0]) < len(types.rows[0])  # (was: data lost)


def test_a_cell_at_the_last_cell_of_a_sheet_is_refused_before_it_is_read(tmp_path):
    """calamine holds a sheet as one grid from A1 to its last cell: a stray cell at XFD1048576
    would ask for 17 billion cells at once (the process is killed, no exception), so the
    sheet's XML is scanned first."""
    def far(re, x):
        return x.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr">'
                                          b"<is><t>x</t></is></c></row></sheetData>")

    p = _workbook(tmp_path / "w.xlsx", [["a", "b"], [1, 2]], edit=far)
    with pytest.raises(DataFileError, match="too many cells") as info:
        tio.read_workbook(p)
    assert "1,048,576 rows × 16,384 columns" in str(info.value)
    wide = _workbook(tmp_path / "wide.xlsx", [["a"]], edit=lambda re, x: x.replace(
        b"</row>", b'<c r="AAAA1" t="inlineStr"><is><t>x</t></is></c></row>', 1))
    with pytest.raises(DataFileError, match="too many columns"):
        tio.read_workbook(wide)


def test_xls_workbooks(tmp_path, monkeypatch):
    import datetime as dt

    import workbook_files as wf

    p = wf.write_xls(tmp_path / "s.xls", {
        "Spend": [["Supplier", "Amount", "Date", "Paid"],
                  ["Acme Ltd", 1250.5, dt.date(2024, 4, 3), True],
                  [None, 99, dt.date(2024, 4, 4), False],
                  ["Beta", 10, dt.datetime(2024, 4, 5, 12, 30), None]],
        "Notes": [["About this file"]]}, merges={"Spend": [(2, 1, 3, 1)]})
    spend_sheet, notes = tio.read_workbook(p)
    assert spend_sheet.rows == [["Supplier", "Amount", "Date", "Paid"],
                                ["Acme Ltd", "1250.5", "2024-04-03", "TRUE"],
                                ["Acme Ltd", "99", "2024-04-04", "FALSE"],
                                ["Beta", "10", "2024-04-05 12:30:00", ""]]
    assert "merged cells filled down" in spend_sheet.notes[0]
    assert (notes.name, notes.rows) == ("Notes", [["About this file"]])
    assert tio.read_rows(p, sheet="Notes") == [("Notes", [["About this file"]])]
    assert tio.read_tables(p)[0].encoding == "xls"
    # an .xls saved with an .xlsx name is read as what it is, with a note
    q = tmp_path / "renamed.xlsx"
    q.write_bytes(p.read_bytes())
    assert tio.read_workbook(q)[0].rows == spend_sheet.rows
    assert "old-style .xls workbook, though named .xlsx" in tio.read_workbook(q)[0].notes[0]
    # too many cells: checked once read (an .xls holds at most 65,536 × 256)
    monkeypatch.setenv("TOOLKIT_MAX_CELLS", "10")
    with pytest.raises(DataFileError, match="too many cells"):
        tio.read_workbook(p)


def test_damaged_and_password_protected_xls(tmp_path):
    import struct

    import workbook_files as wf

    stream = wf._workbook_stream({"S": ([["a"]], [])})
    locked = stream[:20] + wf._record(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\x00" * 48) + stream[20:]
    p = tmp_path / "locked.xls"
    p.write_bytes(wf._compound_file(locked))
    with pytest.raises(DataFileError, match="password-protected"):
        tio.read_workbook(p)
    cut = tmp_path / "cut.xls"
    cut.write_bytes(wf._compound_file(stream)[:700])
    with pytest.raises(DataFileError, match="cannot be opened .*not really .xls"):
        tio.read_workbook(cut)


def test_ods_workbooks(tmp_path):
    import datetime as dt

    import workbook_files as wf

    p = wf.write_ods(tmp_path / "s.ods", {
        "Spend": [["Supplier", "Amount", "Date", "Paid"],
                  [wf.Merge("Acme Ltd", rows=2), 1250.5, dt.date(2024, 4, 3), True],
                  [None, 99, dt.date(2024, 4, 4), False],
                  ["Beta", wf.Formula("of:=[.B2]*2"), dt.datetime(2024, 4, 5, 12, 30), None],
                  ["Gamma", wf.Formula("of:=SUM([.B2:.B3])", 1349.5), None, wf.Repeat("x", 2)]],
        "Notes": [["About this file"]]})
    spend_sheet, notes = tio.read_workbook(p)
    assert spend_sheet.rows == [["Supplier", "Amount", "Date", "Paid", ""],
                                ["Acme Ltd", "1250.5", "2024-04-03", "TRUE", ""],
                                ["Acme Ltd", "99", "2024-04-04", "FALSE", ""],
                                ["Beta", "=B2*2", "2024-04-05 12:30:00", "", ""],
                                ["Gamma", "1349.5", "", "x", "x"]]
    assert spend_sheet.formulas == {(4, 2): "B2*2"}
    joined = " ".join(spend_sheet.notes)
    assert "A2:A3 ('Acme Ltd')" in joined and "1 formula cell without a saved value" in joined
    assert notes.rows == [["About this file"]]  # the million repeated empty rows are not read
    assert tio.read_tables(p)[1].encoding == "ods"
    assert tio.read_excel_rows(p, sheet=1) == [("Notes", [["About this file"]])]


def test_ods_limits_are_checked_before_reading(tmp_path, monkeypatch):
    import workbook_files as wf

    wide = wf.write_ods(tmp_path / "wide.ods", {"S": [["a", wf.Repeat("x", 20_000)]]})
    with pytest.raises(DataFileError, match="too many columns"):
        tio.read_workbook(wide)
    monkeypatch.setenv("TOOLKIT_MAX_CELLS", "5")
    with pytest.raises(DataFileError, match="too many cells"):
        tio.read_workbook(wf.write_ods(tmp_path / "c.ods", {"S": [[1, 2, 3], [4, 5, 6]]}))
    monkeypatch.setenv("TOOLKIT_MAX_UNZIPPED_MB", "1")
    big = wf.write_ods(tmp_path / "big.ods", {"S": [["x" * 1000] * 1100]})
    with pytest.raises(DataFileError, match="unzips to too much"):
        tio.read_workbook(big)


def test_workbook_suffixes_and_folders(tmp_path):
    import workbook_files as wf

    assert {".xlsx", ".xlsm", ".xls", ".ods"} <= tio.EXCEL_SUFFIXES
    wf.write_ods(tmp_path / "a.ods", {"S": [["x"]]})
    wf.write_xls(tmp_path / "b.xls", {"S": [["y"]]})
    assert [p.name for p in tio.iter_paths(tmp_path)] == ["a.ods", "b.xls"]
    (tmp_path / "junk.ods").write_bytes(b"not a zip")
    with pytest.raises(DataFileError, match="cannot be opened"):
        tio.read_workbook(tmp_path / "junk.ods")
