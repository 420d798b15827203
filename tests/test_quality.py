"""The quality and accountability scorecard: every CSVLint-style check on a small malformed file
made here, with the exact row and column numbers a spreadsheet would show; completeness,
freshness, steward, licence, five-star format and the score, by hand."""
import datetime as dt

import pytest

from toolkit_helpers import quality as q
from toolkit_helpers.errors import DataFileError


def write(tmp_path, text, name="t.csv", raw=None):
    p = tmp_path / name
    p.write_bytes(raw if raw is not None else text.encode("utf-8"))
    return p


def where(path, check):
    return [(f.row, f.column) for f in q.check_file(path) if f.check == check]


CLEAN = "name,amount,date\nA,1,2024-01-01\nB,2,2024-01-02\nC,3,2024-01-03\n"


def test_a_clean_file_has_no_findings(tmp_path):
    assert q.check_file(write(tmp_path, CLEAN)) == []


def test_ragged_rows_row_and_first_odd_column(tmp_path):
    p = write(tmp_path, "a,b,c\n1,2,3\n4,5\n6,7,8,9\n")
    # line 3 has 2 cells: column 3 is missing; line 4 has 4 cells: column 4 is extra
    assert where(p, "ragged_rows") == [(3, 3), (4, 4)]


def test_blank_rows_inside_the_data_but_not_at_the_end(tmp_path):
    p = write(tmp_path, "a,b\n1,2\n\n3,4\n,\n5,6\n\n\n")
    assert where(p, "blank_rows") == [(3, None), (5, None)]


def test_invalid_encoding_and_encoding_warning_name_the_cell(tmp_path):
    raw = "a,b\n1,ok\n2,\u00a3 5\n".encode("cp1252")  # £ as the single byte 0xA3
    p = write(tmp_path, "", raw=raw)
    assert where(p, "invalid_encoding") == [(3, 2)]
    assert where(p, "encoding") == [(3, 2)]
    # the value is still read (as Windows-1252)
    t = q.read_table(p)
    assert t.rows[1][1][1] == "£ 5"


def test_utf8_with_bom_is_fine(tmp_path):
    p = write(tmp_path, "", raw=b"\xef\xbb\xbf" + CLEAN.encode())
    assert q.check_file(p) == []


def test_stray_quote_inside_an_unquoted_cell_and_after_a_closing_quote(tmp_path):
    p = write(tmp_path, 'a,b,c\n1,say "hi",3\n"x"y,2,3\n4,5,6\n')
    assert where(p, "stray_quote") == [(2, 2), (3, 1)]


def test_unclosed_quote_where_it_opened(tmp_path):
    p = write(tmp_path, 'a,b,c\n1,2,3\n4,"open,6\n7,8,9\n')
    assert where(p, "unclosed_quote") == [(3, 2)]


def test_quoted_cells_with_commas_quotes_and_line_breaks_are_fine(tmp_path):
    p = write(tmp_path, 'a,b\n"x, y","He said ""hi"""\n"two\nlines",2\n3,4\n')
    assert q.check_file(p) == []
    t = q.read_table(p)
    # the record holding a line break starts on line 3; the next record is on line 5
    assert [ln for ln, _ in t.rows] == [2, 3, 5]


def test_whitespace_at_start_or_end_of_a_cell(tmp_path):
    p = write(tmp_path, "a,b,c\n x,2,3\n4,5 ,6\n7,8,9\t\n")
    assert where(p, "whitespace") == [(2, 1), (3, 2), (4, 3)]


def test_line_breaks_mixed(tmp_path):
    p = write(tmp_path, "", raw=b"a,b\r\n1,2\n3,4\r\n")
    assert where(p, "line_breaks") == [(None, None)]
    assert where(write(tmp_path, "", "crlf.csv", raw=b"a,b\r\n1,2\r\n"), "line_breaks") == []


def test_title_row_above_the_header(tmp_path):
    p = write(tmp_path, "Payments over 500 - June 2023,,\nname,amount,date\nA,1,2024-01-01\n")
    assert where(p, "title_row") == [(1, 1)]
    t = q.read_table(p)
    assert t.header_row == 2 and t.header == ["name", "amount", "date"]


def test_empty_and_duplicate_column_names(tmp_path):
    p = write(tmp_path, "name,,amount,Amount\nA,1,2,3\n")
    assert where(p, "empty_column_name") == [(1, 2)]
    assert where(p, "duplicate_column_name") == [(1, 4)]
    dup = [f for f in q.check_file(p) if f.check == "duplicate_column_name"][0]
    assert "column 3 (C)" in dup.message


def test_inconsistent_values_in_a_column_of_numbers(tmp_path):
    p = write(tmp_path, "site,visits\nA,10\nB,12\nC,closed\nD,NA\nE,15\nF,\n")
    # 'closed' is text among numbers; 'NA' and blank are missing, not inconsistent
    assert where(p, "inconsistent_values") == [(4, 2)]


def test_inconsistent_values_in_a_column_of_dates(tmp_path):
    p = write(tmp_path, "d\n2024-01-01\n02/01/2024\nsoon\n3 Jan 2024\n")
    assert where(p, "inconsistent_values") == [(4, 1)]


def test_a_text_column_is_never_inconsistent(tmp_path):
    p = write(tmp_path, "note\nhello\n12\nworld\nagain\n")
    assert where(p, "inconsistent_values") == []


def test_excel_warning_and_sheet_row_numbers(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["hub", "visits"])
    ws.append(["A", 1])
    ws.append(["B ", 2])
    ws.append([None, None])
    ws.append(["C", 3])
    p = tmp_path / "t.xlsx"
    wb.save(p)
    found = {(f.check, f.row, f.column) for f in q.check_file(p)}
    assert found == {("excel", None, None), ("whitespace", 3, 1), ("blank_rows", 4, None)}


def test_an_excel_file_named_csv_is_refused_clearly(tmp_path):
    p = write(tmp_path, "", raw=b"PK\x03\x04rest-of-zip")
    with pytest.raises(DataFileError, match="Excel") as e:
        q.check_file(p)
    assert e.value.file == str(p)


def test_every_check_has_a_name_and_severity():
    assert set(q.ERRORS) | set(q.WARNINGS) == set(q.ABOUT)
    assert q.Finding("stray_quote", 1, 1, "").severity == "error"
    assert q.Finding("title_row", 1, 1, "").severity == "warning"


def test_findings_table_gives_the_cell_reference(tmp_path):
    p = write(tmp_path, "a,b,c\n1,2,3\n4, 5,6\n")
    t = q.findings_table(q.check_file(p))
    assert t.loc[0, "cell"] == "B3" and t.loc[0, "column_name"] == "b"
    assert q.column_letter(1) == "A" and q.column_letter(26) == "Z" and q.column_letter(28) == "AB"


def test_completeness_per_column(tmp_path):
    p = write(tmp_path, "a,b,c\n1,,x\n2,NA,\n3,4,-\n4,5,y\n")
    c = q.completeness(q.read_table(p)).set_index("column_name")
    assert c.loc["a", "completeness"] == 1.0
    assert c.loc["b", "filled"] == 2 and c.loc["b", "missing"] == 2
    assert c.loc["c", "completeness"] == 0.5


@pytest.mark.parametrize("last,freq,status,score", [
    ("2024-03-01", "monthly", "fresh", 1.0),       # 31 days: within a month + a week
    ("2024-02-01", "monthly", "late", 0.5),        # 60 days: one update missed
    ("2023-12-01", "monthly", "stale", 0.0),       # 122 days
    ("2024-01-15", "quarterly", "fresh", 1.0),     # 77 days
    ("2019-09-26", "one-off", "not applicable", 1.0),
    ("", "monthly", "unknown", 0.0),
])
def test_freshness_against_declared_frequency(last, freq, status, score):
    f = q.freshness(last, freq, "2024-04-01")
    assert (f.status, f.score) == (status, score)


def test_freshness_age_in_days_and_unknown_frequency():
    assert q.freshness("31/03/2024", "weekly", dt.date(2024, 4, 10)).age_days == 10
    with pytest.raises(ValueError, match="unknown update frequency"):
        q.freshness("2024-01-01", "whenever", "2024-04-01")


def test_open_licence_and_five_stars():
    assert q.open_licence("OGL v3") == "Open Government Licence"
    assert q.open_licence("UK Open Government Licence (OGL)") == "Open Government Licence"
    assert q.open_licence("cc-by") == "Creative Commons Attribution"
    assert q.open_licence("Creative Commons Attribution") == "Creative Commons Attribution"
    assert q.open_licence("Creative Commons Attribution Non-Commercial") is None
    assert q.open_licence("License not specified") is None
    assert q.open_licence("CC BY-NC") is None
    assert q.open_licence("internal only") is None and q.open_licence("") is None
    assert q.five_star("PDF", "OGL") == 1
    assert q.five_star("XLSX", "OGL") == 2
    assert q.five_star("csv", "OGL") == 3
    assert q.five_star("RDF", "OGL") == 4
    assert q.five_star("CSV", "") == 0


def test_steward_named():
    assert q.steward_named("Head of Libraries")
    assert not q.steward_named("") and not q.steward_named("unknown") and not q.steward_named("TBC")


def test_score_by_hand(tmp_path):
    # 4 data rows, one with a whitespace error; one warning (duplicate column name);
    # completeness: a 4/4, b 4/4, b 2/4 -> (1 + 1 + 0.5) / 3
    p = write(tmp_path, "a,b,b\n1,2,3\n2, 3,\n3,4,\n4,5,6\n")
    entry = {"name": "demo", "steward": "Team A", "licence": "OGL", "format": "CSV",
             "update_frequency": "monthly", "last_updated": "2024-02-01"}
    card = q.score_dataset(p, entry, as_of="2024-04-01")
    assert card.dimensions["validity"] == pytest.approx(0.75 * 0.95)
    assert card.dimensions["completeness"] == pytest.approx(2.5 / 3)
    assert card.dimensions["freshness"] == 0.5
    assert card.dimensions["steward"] == 1 and card.dimensions["licence"] == 1
    assert card.dimensions["format"] == 1 and card.stars == 3
    expected = 25 * 0.75 * 0.95 + 20 * 2.5 / 3 + 15 * 0.5 + 15 + 15 + 10
    assert card.score == pytest.approx(expected)


def test_score_without_a_file_or_accountability():
    card = q.score_dataset(None, {"name": "x", "format": "PDF", "licence": "",
                                  "update_frequency": "", "last_updated": ""}, as_of="2024-04-01")
    assert card.score == 0 and card.stars == 0


def test_scorecard_for_an_inventory_and_its_figure(tmp_path):
    import pandas as pd

    write(tmp_path, CLEAN, "good.csv")
    write(tmp_path, "a,b\n1\n", "bad.csv")
    inv = pd.DataFrame([
        {"name": "good", "steward": "A", "licence": "OGL", "format": "CSV",
         "update_frequency": "monthly", "last_updated": "2024-03-20", "file": "good.csv"},
        {"name": "bad", "steward": "", "licence": "", "format": "CSV",
         "update_frequency": "monthly", "last_updated": "2023-01-01", "file": "bad.csv"},
    ])
    summary, cards = q.scorecard(inv, as_of="2024-04-01", base=tmp_path)
    assert list(summary["dataset"]) == ["good", "bad"]
    assert summary.loc[0, "score"] == 100
    assert summary.loc[1, "errors"] == 1
    fig, alt = q.scorecard_figure(summary)
    assert "good with 100" in alt and "2 datasets" in alt


def test_header_whitespace_and_a_tail_of_unnamed_columns(tmp_path):
    p = write(tmp_path, "name ,amount,,,\nA,1,,,\n")
    assert where(p, "whitespace") == [(1, 1)]
    # three unnamed columns at the end: one finding, at the first of them
    assert where(p, "empty_column_name") == [(1, 3)]
    assert "columns C to E (3 columns)" in q.check_file(p)[-1].message


# ------------------------------------------------------------------ real council files
def _independent_whitespace_count(path, header_line):
    """Cells with spaces/tabs at either end, counted with the csv module (not the scorecard's
    tokeniser), from the header line on, skipping blank rows."""
    import csv
    import io

    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline="")))[header_line - 1:]
    return sum(1 for r in rows if any(c.strip() for c in r)
               for c in r if c.strip() and c != c.strip(" \t"))


def test_real_hyndburn_files(realdata):
    old = realdata / "spend" / "hyndburn_bc_spend_over_250_2017-01.csv"
    new = realdata / "spend" / "hyndburn_bc_spend_over_250_2023-04.csv"
    if not old.exists() or not new.exists():
        pytest.skip("Hyndburn files not present")
    # 2017: header on line 1; its 7th column is 'Net Amount(£)' with £ as the byte 0xA3
    t = q.read_table(old)
    assert t.header_row == 1 and t.header[6] == "Net Amount(£)"
    assert where(old, "encoding") == [(1, 7)] and where(old, "invalid_encoding") == [(1, 7)]
    # (every padded cell counted; the first examples of each column kept)
    assert t.count("whitespace") == _independent_whitespace_count(old, 1)
    assert not {"ragged_rows", "stray_quote", "unclosed_quote"} & {f.check for f in t.findings}
    # 2023: a line of commas first, the header on line 2 with 79 cells of which 72 are an
    # unnamed tail (H to CA)
    t = q.read_table(new)
    assert t.header_row == 2 and len(t.header) == 79
    assert where(new, "empty_column_name") == [(2, 8)]
    assert where(new, "invalid_encoding") == [(2, 7)]
    assert t.count("whitespace") == _independent_whitespace_count(new, 2) > q.MAX_PER_CHECK
    kept = where(new, "whitespace")
    assert len(kept) < t.count("whitespace") and all(
        sum(1 for _, c in kept if c == col) <= q.MAX_PER_CHECK for col in {c for _, c in kept})


def test_real_trafford_and_oxford_files(realdata):
    import csv

    traf = realdata / "spend" / "trafford_council_procurement_card_2026-27.csv"
    oxf = realdata / "spend" / "oxford_city_council_spend_2014Q3_jul-sep.csv"
    if not traf.exists() or not oxf.exists():
        pytest.skip("Trafford/Oxford files not present")
    with open(traf, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len({len(r) for r in rows}) == 1  # every row as wide as the header
    assert q.check_file(traf) == []
    t = q.read_table(oxf)
    assert t.header[9] == "Supplier Name "
    assert (1, 10) in where(oxf, "whitespace")  # the header's trailing space
    assert t.count("whitespace") == _independent_whitespace_count(oxf, 1)
    # Supplier ID (column 9) is mostly numbers with some 'nnn_nnn' ids: flagged, capped at 50
    assert {c for _, c in where(oxf, "inconsistent_values")} == {9}
    assert len(where(oxf, "inconsistent_values")) == q.MAX_PER_CHECK


def test_empty_file_tab_separated_and_cr_only(tmp_path):
    with pytest.raises(DataFileError, match="no data"):
        q.check_file(write(tmp_path, "", "empty.csv"))
    p = write(tmp_path, "a\tb\tc\n1\t2\t3\n4\t 5\t6\n7\t8\n", "t.tsv")
    assert where(p, "whitespace") == [(3, 2)] and where(p, "ragged_rows") == [(4, 3)]
    p = write(tmp_path, "", "cr.csv", raw=b"a,b\r1,2\r\r3 ,4\r")
    assert where(p, "blank_rows") == [(3, None)] and where(p, "whitespace") == [(4, 1)]
    assert where(p, "line_breaks") == []


def test_semicolon_file_with_quoted_commas_has_no_made_up_findings(tmp_path):
    """A semicolon export whose quoted purposes hold commas: read with semicolons (commas
    inside quotes are not separators), so no stray quotes, title row or padded column names
    are reported (was: sniffed as commas, with a finding in every row)."""
    text = "Supplier;Date;Amount;Purpose\n" + "".join(
        f'S{i} Ltd;2024-04-0{i + 1};{i + 1}0;"Books, DVDs, maps, and, more"\n' for i in range(6))
    assert q.check_file(write(tmp_path, text)) == []


def test_header_only_file_scores_without_crashing(tmp_path):
    p = write(tmp_path, "a,b\n")
    card = q.score_dataset(p, {"name": "h", "steward": "A", "licence": "OGL", "format": "CSV",
                               "update_frequency": "one-off", "last_updated": "2024-01-01"},
                           as_of="2024-04-01")
    assert card.dimensions["validity"] == 0 and card.dimensions["completeness"] == 0
    assert card.score == pytest.approx(15 + 15 + 15 + 10)


def test_save_upload_is_safe_and_atomic(tmp_path):
    p = q.save_upload("../../My Visits (2024).CSV", b"a,b\n1,2\n", tmp_path)
    assert p.parent == tmp_path.resolve() and p.name == "my-visits-2024.csv"
    assert q.check_file(p) == []
    with pytest.raises(DataFileError, match="not a CSV or Excel file"):
        q.save_upload("notes.pdf", b"%PDF", tmp_path)


def test_parse_date_forms():
    d = dt.date(2024, 3, 31)
    for v in ("2024-03-31", "31/03/2024", "31-03-2024", "31 Mar 2024", "31 March 2024", "45382",
              "2024-03-31T10:00:00", d, dt.datetime(2024, 3, 31, 9)):
        assert q.parse_date(v) == d, v
    assert q.parse_date("") is None and q.parse_date(None) is None
    with pytest.raises(ValueError, match="not a date"):
        q.parse_date("soon")


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_cell = st.text(alphabet=st.sampled_from(list('ab ,"\n\r1£é')), max_size=6)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_cell, min_size=3, max_size=3), min_size=1, max_size=6),
       st.sampled_from(["\n", "\r\n", "\r"]))
def test_tokeniser_agrees_with_the_csv_module_on_well_formed_files(rows, ending):
    import csv
    import io

    def quote(c):  # as spreadsheets write CSV: quote a cell holding , " or a line break
        return '"' + c.replace('"', '""') + '"' if any(ch in c for ch in ',"\r\n') else c

    text = "".join(",".join(quote(c) for c in r) + ending for r in rows)
    records, findings = q._tokenise(text)
    assert not [f for f in findings if f.check in ("stray_quote", "unclosed_quote")]
    # the csv module gives [] for an empty line; the tokeniser gives one empty cell
    expected = [r or [""] for r in csv.reader(io.StringIO(text, newline=""))]
    assert [r.cells for r in records] == expected
    # each record starts on the line after the last one's line breaks
    line = 1
    for r, cells in zip(records, expected):
        assert r.line == line
        line += 1 + sum(c.count("\r\n") + c.replace("\r\n", "").count("\r") +
                        c.replace("\r\n", "").count("\n") for c in cells)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab ,"\n\r1\t')), max_size=60))
def test_any_text_gives_findings_inside_the_file(text):
    import io

    records, findings = q._tokenise(text)
    lines = max(1, len(io.StringIO(text, newline="").readlines()) + 1)
    for f in findings:
        assert 1 <= f.row <= lines and f.column >= 1
    # nothing is lost: the cells hold every character except delimiters, quotes and line ends
    kept = "".join("".join(r.cells) for r in records)
    assert set(kept) <= set(text) | {""}


# ------------------------------------------------------------------ bounded findings
def _padded(rows: int) -> str:
    """A file where every data row has padded cells in columns A and C, every 10th row is
    ragged, and every 50th row is followed by a blank row."""
    lines = ["name,amount,place"]
    for i in range(rows):
        cells = [f" N{i}", str(i), f"P{i} "] + (["extra"] if i % 10 == 0 else [])
        lines.append(",".join(cells))
        if i % 50 == 49 and i < rows - 1:
            lines.append("")
    return "\n".join(lines) + "\n"


def _by_hand(text: str) -> dict:
    """Whitespace, ragged and blank rows counted straight from the lines."""
    lines = text.split("\n")[1:-1]
    return {"whitespace": sum(1 for ln in lines for c in ln.split(",")
                              if c.strip() and c != c.strip(" \t")),
            "ragged_rows": sum(1 for ln in lines if ln and len(ln.split(",")) != 3),
            "blank_rows": sum(1 for ln in lines if not ln)}


def test_many_padded_cells_keep_examples_and_count_the_rest(tmp_path):
    text = _padded(1000)
    p = write(tmp_path, text)
    t = q.read_table(p)
    want = _by_hand(text)
    assert want["whitespace"] == 2000 and want["blank_rows"] == 19
    for check, n in want.items():
        assert t.count(check) == n, check
    kept = [f for f in t.findings if f.check == "whitespace"]
    assert len(kept) == 2 * q.MAX_PER_CHECK  # the first examples of each column
    assert [f.row for f in kept if f.column == 1][:3] == [2, 3, 4]
    card = q.score_dataset(p, {"name": "padded"}, as_of="2026-10-01")
    # every data row has an error: validity 0; errors counted in full, not just those kept
    assert card.dimensions["validity"] == 0.0
    assert card.summary_row()["errors"] == 2000 + 100 + 19
    s = card.findings_summary()
    ws = s[s["check"] == "whitespace"].set_index("column")
    assert ws.loc[1, "findings"] == 1000 and ws.loc[1, "examples"] == "A2, A3, A4"
    assert ws.loc[1, "more"] == "and 997 more" and ws.loc[3, "column_name"] == "place"
    assert len(s) == 4  # whitespace A and C, ragged rows (column D), blank rows
    full = card.findings_table()
    more = full[full["row"].isna()].set_index(["check", "column"])["message"]
    assert more[("whitespace", 1)] == "and 950 more like this in column A"
    # one "more" line each for the two padded columns and the ragged rows (blank rows: all kept)
    assert len(full) == len(card.findings) + 3 and more[("ragged_rows", 4)] == \
        "and 50 more like this in column D"


def test_doubling_the_file_doubles_the_counts_not_the_findings_kept(tmp_path):
    one = q.read_table(write(tmp_path, _padded(1000), name="one.csv"))
    two = q.read_table(write(tmp_path, _padded(2000), name="two.csv"))
    assert two.count("whitespace") == 2 * one.count("whitespace") == 4000
    assert two.count("blank_rows") == 39 and one.count("blank_rows") == 19
    # kept: 50 per padded column and for ragged rows, and every blank row (fewer than 50)
    assert len(one.findings) == 3 * q.MAX_PER_CHECK + 19
    assert len(two.findings) == 3 * q.MAX_PER_CHECK + 39


def test_findings_summary_of_a_small_file_lists_every_finding(tmp_path):
    p = write(tmp_path, "a,b,c\n x,2,3\n4,5 ,6\n7,8\n")
    s = q.findings_summary(q.check_file(p))
    assert s[["check", "column", "findings", "examples", "more"]].values.tolist() == [
        ["whitespace", 1, 1, "A2", ""], ["whitespace", 2, 1, "B3", ""],
        ["ragged_rows", 3, 1, "C4", ""]]
    assert q.findings_table(q.check_file(p))["row"].notna().all()
