"""The DuckDB spend pipeline gives the same results as the pandas path (load_spend +
spend_analysis) on small awkward files, caches what it read, and fails clearly on bad files."""
import os

import duckdb
import numpy as np
import pandas as pd
import pytest

from toolkit_helpers import DataFileError, spend
from toolkit_helpers import spend_analysis as sa
from toolkit_helpers.samples import spend_scale
from toolkit_helpers.spend_pipeline import (CACHE_COLUMNS, SpendPipeline, _amount_expr, _date_expr,
                                            _date_prep, _strip, supplier_key_sql)

COUNCIL_HEADER = "Body Name,Service Area,Paid Date,Trans No,Supplier Name,Net Amount(£),Purpose"


def write(path, text, encoding="utf-8", newline="\n"):
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def assert_same(pipe: SpendPipeline, paths):
    """Every summary of the pipeline equals the pandas path's on the same files."""
    df = spend.load_spend(paths)
    lines = pipe.sql("SELECT * FROM spend ORDER BY source_file, source_row")
    ref = df[list(CACHE_COLUMNS)].sort_values(["source_file", "source_row"]).reset_index(drop=True)
    assert len(lines) == len(ref)
    for c in CACHE_COLUMNS:
        a, b = lines[c], ref[c]
        if c in spend.AMOUNT_FIELDS:
            np.testing.assert_allclose(a.astype(float), b.astype(float), rtol=0, atol=1e-9,
                                       err_msg=c)
        elif c in spend.DATE_FIELDS:
            assert list(pd.to_datetime(a)) == list(pd.to_datetime(b)) or \
                (a.isna().all() and b.isna().all()), c
        else:
            assert [None if pd.isna(x) else str(x) for x in a] == \
                   [None if pd.isna(x) else str(x) for x in b], c
    pd.testing.assert_frame_equal(pipe.monthly(), sa.monthly_spend(df), check_dtype=False)
    for by in ("service_area", "supplier", "month"):
        pd.testing.assert_frame_equal(pipe.spend_by(by), sa.spend_by(df, by), check_dtype=False)
    pd.testing.assert_frame_equal(pipe.spend_by("supplier", top=2, exclude_redacted=True),
                                  sa.spend_by(df, "supplier", top=2, exclude_redacted=True),
                                  check_dtype=False)
    for n in (1, 3):
        a, b = pipe.concentration(n), sa.concentration(df, n)
        assert (a.suppliers, a.total, a.top_n_amount, a.band, a.redacted_excluded) == \
               (b.suppliers, b.total, b.top_n_amount, b.band, b.redacted_excluded)
        assert a.hhi == pytest.approx(b.hhi, abs=0.11, nan_ok=True)
        assert a.top_n_share == pytest.approx(b.top_n_share, nan_ok=True)
    got, want = pipe.duplicate_candidates(), sa.duplicate_candidates(df)
    cols = ["group", "confidence", "reason", "why", "lines_in_group", "supplier", "amount",
            "transaction_id", "same_purpose", "at_stake", "source_file", "source_row"]
    assert got[cols].astype(str).values.tolist() == want[cols].astype(str).values.tolist()
    return df


AWKWARD = (
    "Anytown Council: payments over £500\n"
    "\n"
    f"{COUNCIL_HEADER}\n"
    ",,,,,,\n"
    "Anytown,Parks,03/04/2023,T1,Acme Ltd,\"1,000.00\",Mowing\n"
    "Anytown,Parks,03/04/2023,T2,ACME LIMITED,£1000,mowing \n"
    "Anytown,Roads,2023-05-01 00:00:00,T3,Bravo plc,(50.00),Repairs\n"
    "Anytown,,3 Apr 2023,T4,REDACTED PERSONAL DATA,12.50 CR,\n"
    "Anytown,Roads,31/05/2023,T5,Bravo plc,-£75.25,Repairs\n"
    "Anytown,Roads,45050,T6,Charlie & Co,250.00-,Signs\n"
    "Anytown,Roads,00:00:00,T7,Charlie & Co,GBP 99,Signs\n"
    "Anytown,Housing,11-Aug-23,T8,  Delta Trust  ,N/A,Rent\n"
    "Anytown,Housing,20230812,T8,Delta Trust,300,Rent\n"
    "Anytown,Housing,2023/08/12,T8,Delta Trust,300,Rent\n"
    "Anytown,Housing,12.08.23,T9,Echo CIC,nonsense,Rent\n"
    "Anytown,Housing,12 Sept 2023,T10,Total Gas & Power,400,Energy\n"
    f"{COUNCIL_HEADER}\n"
    ",,,,,,\n"
    "Total,,,,,2000.00,\n"
    "Grand Total for 2023,,,,,2000.00,\n"
)


REDACTED_AND_REPEATS = (
    f"{COUNCIL_HEADER}\n"
    "Anytown,Parks,03/04/2023,T1,*****,100.00,Hire\n"
    "Anytown,Parks,03/04/2023,T2,XXXXX,200.00,Hire\n"
    "Anytown,Parks,03/04/2023,T3,,300.00,Hire\n"
    "Anytown,Parks,03/04/2023,T4,Redactive Publishing Ltd,400.00,Books\n"
    "Anytown,Parks,03/04/2023,T5,REDACTED PERSONAL DATA,50.00,Grant\n"
    "Anytown,Parks,03/04/2023,46282574_3,SMS Ltd,22.04,Maintenance\n"
    "Anytown,Parks,03/04/2023,46282574_4,SMS Ltd,22.04,Maintenance\n"
    "Anytown,Parks,03/04/2023,46282577_3,SMS Ltd,22.04,Maintenance\n"
    "Anytown,Roads,04/04/2023,B1/7,Canon,444.00,40 BOXES PAPER\n"
    "Anytown,Roads,04/04/2023,B1/7,Canon,444.00,40 boxes paper\n"
    "Anytown,Roads,04/04/2023,B2/9,Ben Shaw,280.00,B+E TRAINING\n"
    "Anytown,Roads,04/04/2023,B2/9,Ben Shaw,280.00,B+E TRAINING\n"
    "Anytown,Roads,04/04/2023,B2/9,Ben Shaw,280.00,B+E TRAINING\n"
    "Anytown,Roads,04/04/2023,B3/5,Kestrel,4082.76,Agency\n"
    "Anytown,Roads,11/04/2023,B3/5,Kestrel,4082.76,Agency\n"
    "Anytown,Roads,11/04/2023,B4/5,Kestrel,-4082.76,Credit\n"
    "Anytown,Roads,11/04/2023,P-CARD,DVLA,292.50,Tax\n"
    "Anytown,Roads,12/04/2023,P-CARD,DVLA,292.50,Tax\n"
    "Anytown,Roads,12/04/2023,P-CARD,Greenvale,250.00,Soil\n"
)


def test_redaction_and_duplicate_rules_same_as_pandas(tmp_path, pipe):
    f = write(tmp_path / "rules.csv", REDACTED_AND_REPEATS)
    pipe.ingest(f)
    assert pipe.files_table()["route"].tolist() == ["duckdb"]
    df = assert_same(pipe, [f])
    c = sa.concentration(df)
    assert c.redacted_excluded == 650.0  # masks, the blank name and the label; not Redactive
    d = pipe.duplicate_candidates()
    assert d.drop_duplicates("group")[["supplier", "confidence"]].values.tolist() == [
        ["Kestrel", "high"], ["Canon", "high"], ["SMS Ltd", "medium"]]  # DVLA: a card statement


@pytest.fixture
def pipe(tmp_path):
    with SpendPipeline(tmp_path / "cache") as p:
        yield p


@pytest.mark.parametrize("encoding,newline", [("utf-8", "\n"), ("utf-8-sig", "\r\n"),
                                              ("cp1252", "\r\n")])
def test_awkward_file_same_as_pandas_by_sql(tmp_path, pipe, encoding, newline):
    f = write(tmp_path / "awkward.csv", AWKWARD.replace("\n\n", "\n \n", 1), encoding, newline)
    pipe.ingest(f)
    assert pipe.files_table()["route"].tolist() == ["duckdb"]
    df = assert_same(pipe, [f])
    assert len(df) == 12  # the 12 payment lines; repeated header, spacer row and totals dropped


def test_month_first_files_are_read_month_first(tmp_path, pipe):
    f = write(tmp_path / "us.csv", "Supplier,Amount,Payment Date\nA,1,04/13/2023\nB,2,04/01/2023\n"
              "C,3,12/31/2023\n")
    pipe.ingest(f)
    assert pipe.files_table()["route"].tolist() == ["duckdb"]
    df = assert_same(pipe, [f])
    assert df["payment_date"].dt.strftime("%Y-%m-%d").tolist() == \
        ["2023-04-13", "2023-04-01", "2023-12-31"]


@pytest.mark.parametrize("name,text,encoding,why", [
    ("euro.csv", "Supplier,Amount,Date\nCafé € Ltd,10,01/04/2023\nB,5,02/04/2023\n", "cp1252",
     "0x80"),
    ("blank.csv", "Supplier,Amount,Date\nA,10,01/04/2023\n\nB,5,02/04/2023\n", "utf-8",
     "blank lines"),
    ("unlabelled.csv", "Supplier,Amount,Date\nA,10,01/04/2023\nB,5,02/04/2023\n,15,\n", "utf-8",
     "only an amount"),
    ("lastline.csv", "A,10,01/04/2023\nB,5,02/04/2023\nSupplier,Amount,Date\n", "utf-8", "header"),
    ("emptycol.csv", "Supplier,Amount,Amount,Date\nA,,10,01/04/2023\nB,,5,02/04/2023\n", "utf-8",
     "empty"),
])
def test_files_the_sql_route_cannot_take_exactly_go_through_load_spend(tmp_path, pipe, name, text,
                                                                       encoding, why):
    f = write(tmp_path / name, text, encoding)
    pipe.ingest(f)
    row = pipe.files_table().iloc[0]
    assert row["route"] == "pandas" and why in row["why"]
    assert_same(pipe, [f])


def test_workbooks_go_through_load_spend(tmp_path, pipe):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Supplier", "Amount", "Payment Date"])
    ws.append(["A Ltd", 10.5, "01/04/2023"])
    ws.append(["B Ltd", -2, "02/04/2023"])
    wb.save(tmp_path / "book.xlsx")
    pipe.ingest(tmp_path / "book.xlsx")
    assert pipe.files_table()["route"].tolist() == ["pandas"]
    assert_same(pipe, [tmp_path / "book.xlsx"])


def test_many_generated_council_files_same_as_pandas(tmp_path, pipe):
    files = spend_scale.generate(tmp_path / "many", rows=6000, councils=4, seed=3)
    pipe.ingest(tmp_path / "many")
    routes = pipe.files_table()["route"].value_counts().to_dict()
    assert routes == {"duckdb": len(files)}  # both published layouts take the SQL route
    df = assert_same(pipe, sorted(files))
    assert pipe.totals() == {"lines": len(df), "net": round(float(df["amount"].sum()), 2),
                             "files": len(files)}
    # each cache file holds its file's lines in file order, and only its own
    for part in pipe.parts:
        rows = duckdb.sql(f"SELECT source_file, source_row FROM read_parquet('{part}')").df()
        assert rows["source_file"].nunique() == 1
        assert rows["source_row"].is_monotonic_increasing and rows["source_row"].is_unique
    assert not list(pipe.cache_dir.glob(".batch*"))  # the batch's working folder is gone


def test_cache_is_reused_and_invalidated_by_a_change(tmp_path):
    f = write(tmp_path / "s.csv", "Supplier,Amount,Date\nA,10,01/04/2023\nB,5,02/04/2023\n")
    before = f.read_bytes()
    with SpendPipeline(tmp_path / "cache") as p:
        p.ingest(f)
    with SpendPipeline(tmp_path / "cache") as p:
        p.ingest(f)
        assert p.files_table()["route"].tolist() == ["cache"]
        assert p.totals()["net"] == 15
    write(f, "Supplier,Amount,Date\nA,10,01/04/2023\nB,7,02/04/2023\n")
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))
    with SpendPipeline(tmp_path / "cache") as p:
        p.ingest(f)
        assert p.files_table()["route"].tolist() == ["duckdb"]
        assert p.totals()["net"] == 17
    with SpendPipeline(tmp_path / "cache") as p:  # another mapping is another cache entry
        p.ingest(f, mapping={"supplier": "Supplier", "amount": "Amount"})
        assert p.files_table()["route"].tolist() == ["duckdb"]
    assert [x.name for x in (tmp_path / "cache").iterdir() if x.name.endswith(".tmp")] == []
    assert (tmp_path / "s.csv").read_bytes() != before  # (we changed it ourselves above)


def test_cached_files_give_their_line_counts_from_the_companion(tmp_path):
    """A warm ingest takes each file's line count from the companion written beside its
    Parquet file (no query per file); a companion from an older version without the count
    still works (the count is read from the Parquet file)."""
    import json

    f = write(tmp_path / "s.csv", "Supplier,Amount,Date\nA,10,01/04/2023\nTotal,10,\nB,5,02/04/2023\n")
    g = write(tmp_path / "t.csv", "Supplier,Amount\nC,1\n")
    with SpendPipeline(tmp_path / "cache") as p:
        p.ingest([f, g])
        cold = [(r.rows, r.dropped) for r in p.files]
    sides = sorted((tmp_path / "cache").glob("*.json"))
    assert sorted(json.loads(s.read_text())["rows"] for s in sides) == [1, 2]
    with SpendPipeline(tmp_path / "cache") as p:
        p.ingest([f, g])
        assert [(r.route, r.rows, r.dropped) for r in p.files] == [("cache",) + c for c in cold]
    for s in sides:  # as an older version wrote them
        info = json.loads(s.read_text())
        del info["rows"]
        s.write_text(json.dumps(info))
    with SpendPipeline(tmp_path / "cache") as p:
        p.ingest([f, g])
        assert [(r.route, r.rows) for r in p.files] == [("cache", 2), ("cache", 1)]


def test_inputs_are_never_modified(tmp_path, pipe):
    f = write(tmp_path / "awkward.csv", AWKWARD, "cp1252", "\r\n")
    before = f.read_bytes()
    pipe.ingest(f)
    pipe.monthly()
    assert f.read_bytes() == before


def test_bad_files_get_load_spends_clear_errors(tmp_path, pipe):
    f = write(tmp_path / "nosupplier.csv", "Colour,Size\nred,1\n")
    with pytest.raises(DataFileError) as e:
        pipe.ingest(f)
    assert "nosupplier.csv" in str(e.value)
    g = write(tmp_path / "wrongcol.csv", "Supplier,Amount,Date\nA,x,1/4/23\nB,y,1/4/23\nC,z,1/4/23\n")
    with pytest.raises(DataFileError) as e:
        pipe.ingest(g)
    assert "wrongcol.csv" in str(e.value) and "Amount" in str(e.value)
    with pytest.raises(DataFileError, match="no spend files"):
        SpendPipeline(tmp_path / "c2").monthly()


VALUES = ["1000", "1,000.00", "£1,000", "-£12.50", "£-12.50", "(12.50)", "12.50-", "12.50 CR",
          "GBP 12.50", "\u221212.5", "", "N/A", "null", "abc", "1e3", "inf", "- 5", "£ (3.00)",
          "12.5cr", ".5", "+7", "1 000", "£", "(1,234.56)"]
DATES = ["2023-04-03", "2023-4-3", "03/04/2023", "3/4/23", "03.04.2023", "3-4-2023",
         "3 Apr 2023", "3-Apr-23", "3April2023", "03 Sept 2023", "2023/04/03", "20230403",
         "45017", "45017.5", "19000", "2023-04-03T10:30:00+01:00", "03/04/2023 00:00:00",
         "00:00:00", "0:00", "", "N/A", "31/02/2023", "03/04/0023", "next Tuesday", "Apr 2023"]


def _sql_values(con, exprs, values):
    con.execute("CREATE OR REPLACE TEMP TABLE v AS SELECT * FROM (SELECT unnest(?) AS x, "
                "generate_subscripts(?, 1) AS i)", [values, values])
    return con.execute(f"SELECT {exprs} FROM (SELECT {_strip('x')} AS s, i FROM v) ORDER BY i"
                       ).fetchall()


def test_amount_rules_match_parse_amounts_cell_by_cell():
    con = duckdb.connect()
    got = [None if r[0] is None or not np.isfinite(r[0]) else r[0]
           for r in _sql_values(con, _amount_expr("s"), VALUES)]
    want = spend.parse_amounts(pd.Series(VALUES, dtype="str")).values.tolist()
    assert [None if w != w else w for w in want] == got


@pytest.mark.parametrize("dayfirst", [True, False])
def test_date_rules_match_parse_dates_cell_by_cell(dayfirst):
    con = duckdb.connect()
    got = [r[0] for r in _sql_values(
        con, f"{_date_expr(_date_prep('s'), 'true' if dayfirst else 'false')}", DATES)]
    want = spend.parse_dates(pd.Series(DATES, dtype="str"), dayfirst=dayfirst).values
    assert [None if pd.isna(w) else w.to_pydatetime() for w in want] == got


def test_supplier_key_matches():
    names = ["Acme Services Ltd.", "ACME SERVICES LIMITED", "The Co-op Group", "A & B  Co",
             "  x  ", "C I C Works CIC", "Müller plc"]
    con = duckdb.connect()
    con.execute("CREATE TABLE n AS SELECT unnest(?) AS s, generate_subscripts(?, 1) AS i",
                [names, names])
    got = [r[0] for r in con.execute(f"SELECT {supplier_key_sql('s')} FROM n ORDER BY i").fetchall()]
    assert got == sa.supplier_key(pd.Series(names)).tolist()


def test_redaction_and_transaction_key_rules_match():
    from toolkit_helpers.spend_pipeline import redacted_sql, transaction_key_sql

    names = ["REDACTED PERSONAL DATA", "Name redacted", "Redactive Publishing Ltd", "Withheld",
             "*****", "XXXXX", "X X X", "XX", "Xerox Ltd", "", "   ", None, "Personal data",
             "Commercially confidential", "Acme", "** **", "Mr X"]
    refs = ["46282421_3", " b000018594/781 ", "INV_2023", "P-CARD - APR 23", "", None, "A_1_2",
            "60024057_0", "_5"]
    con = duckdb.connect()
    con.execute("CREATE TABLE n AS SELECT unnest(?) AS s, generate_subscripts(?, 1) AS i",
                [names, names])
    got = [r[0] for r in con.execute(f"SELECT {redacted_sql('s')} FROM n ORDER BY i").fetchall()]
    assert got == sa.is_redacted(pd.Series(names, dtype="str")).tolist()
    con.execute("CREATE TABLE t AS SELECT unnest(?) AS s, generate_subscripts(?, 1) AS i",
                [refs, refs])
    got = [r[0] for r in con.execute(f"SELECT {transaction_key_sql('s')} FROM t ORDER BY i").fetchall()]
    want = sa.transaction_key(pd.Series(refs, dtype="str"))
    assert got == [None if pd.isna(x) else x for x in want]


def test_real_published_files_same_as_pandas(realdata, tmp_path):
    files = sorted(p for p in (realdata / "spend").iterdir() if p.suffix.lower() in (".csv", ".xlsx"))
    assert files
    with SpendPipeline(tmp_path / "cache") as pipe:
        for f in files:
            pipe.ingest(f)
        assert_same(pipe, files)


# ----------------------------------------------------------------------------- the SQL route
# against load_spend: totals to the penny, rows, the rows set aside (load_spend's report)

def _dropped_by_file(df) -> dict:
    out: dict = {}
    for r in df.attrs["report"]["files"]:
        d = out.setdefault(r["file"], {})
        for why, n in (r.get("dropped") or {}).items():
            d[why] = d.get(why, 0) + n
    return out


def assert_agree(pipe: SpendPipeline, path, df=None) -> pd.DataFrame:
    """Per file: lines, net in pence and rows set aside by reason, as load_spend gives them
    (``df``: load_spend's frame of ``path``, when already read)."""
    df = spend.load_spend(path) if df is None else df
    got = pipe.sql("SELECT source_file, count(*) AS n, "
                   "CAST(round(sum(amount) * 100) AS BIGINT) AS pence FROM spend GROUP BY 1")
    got = {r.source_file: (r.n, None if pd.isna(r.pence) else int(r.pence))
           for r in got.itertuples()}
    want = {name: (len(g), None if g["amount"].isna().all() else
                   int(round(g["amount"].sum() * 100)))
            for name, g in df.groupby("source_file")}
    assert got == want
    assert sum(f.rows for f in pipe.files) == len(df)
    dropped = _dropped_by_file(df)
    for f in pipe.files:
        assert f.dropped == dropped.get(f.file, {}), f.file
    return df


import bad_input_corpus as corpus  # noqa: E402

# all but the table of 26 million cells: load_spend refuses it (its cell limit, whose message
# points to this pipeline, which lifts that limit), and reading 2,000 columns is not a fast test
SPEND_CASES = [c for c in corpus.CASES if c.area == "spend" and c.id != "spend-too-many-cells"]


@pytest.mark.parametrize("case", SPEND_CASES, ids=[c.id for c in SPEND_CASES])
def test_every_spend_case_of_the_bad_input_corpus_agrees_with_load_spend(case, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    path = case.make(folder)
    try:
        df = spend.load_spend(path)
    except DataFileError as exc:
        with SpendPipeline(tmp_path / "cache") as pipe:
            with pytest.raises(DataFileError) as got:  # load_spend's own error
                pipe.ingest(path)
        assert got.value.problem == exc.problem
        return
    with SpendPipeline(tmp_path / "cache") as pipe:
        pipe.ingest(path)
        assert_agree(pipe, path, df)


def _sample_spend_files(project_root):
    files = sorted((project_root / "data" / "sample" / "spend").glob("*"))
    files += sorted((project_root / "data" / "sample" / "neighbours").glob("*/*spend*"))
    return [f for f in files if f.suffix.lower() in (".csv", ".xlsx")]


def test_synthetic_samples_agree_with_load_spend_and_take_the_sql_route(project_root, tmp_path):
    files = _sample_spend_files(project_root)
    councils = {f.parent.name for f in files}
    assert len(files) >= 20 and len(councils) >= 2  # the sample council and its neighbours
    with SpendPipeline(tmp_path / "cache") as pipe:
        pipe.ingest(files)
        routes = pipe.files_table().set_index("file")["route"]
        csvs = [f.name for f in files if f.suffix == ".csv"]
        assert (routes[csvs] == "duckdb").mean() >= 0.9, routes.value_counts()
        assert_agree(pipe, files)


def _big(rows: int, late: str = "", encoding: str = "utf-8") -> bytes:
    """A file longer than the head the layout is decided from, ``late`` written near its end."""
    lines = ["Supplier,Amount,Payment Date,Service Area"]
    lines += [f"Supplier {i % 97},{i % 1000}.{i % 100:02d},{1 + i % 28:02d}/04/2023,Parks"
              for i in range(rows)]
    lines[-5] = f"{late or 'Late Ltd'},12.34,01/05/2023,Roads"
    return ("\n".join(lines) + "\n").encode(encoding)


def test_which_files_take_the_sql_route_and_which_fall_back(tmp_path):
    from toolkit_helpers.spend_pipeline import HEAD_BYTES

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_plain.csv").write_bytes(_big(200))
    (folder / "b_council.csv").write_bytes(
        ("Anytown payments\r\n" + COUNCIL_HEADER + "\r\nAnytown,Parks,03/04/2023,T1,"
         "  Acme Ltd ,\"(1,000.50)\",Mowing\r\nAnytown,Parks,04/04/2023,T2,Bravo,£12,x\r\n")
        .encode("cp1252"))
    big = _big(HEAD_BYTES // 30 + 2000, "Caf\u00e9 \u20ac Ltd", "cp1252")
    assert len(big) > HEAD_BYTES and b"\x80" not in big[:HEAD_BYTES]
    (folder / "c_late_euro.csv").write_bytes(big.replace(b"Supplier 1,", b"Supplier \xa31,", 1))
    late_utf8 = _big(HEAD_BYTES // 30 + 2000, "Caf\u00e9 Ltd", "utf-8")
    (folder / "c2_late_utf8.csv").write_bytes(  # a Windows-1252 head, a UTF-8 line late on
        late_utf8.replace(b"Supplier 1,", b"Supplier \xa31,", 1))
    late_bad = _big(HEAD_BYTES // 30 + 2000, "Caf\u00e9 Ltd", "cp1252")
    (folder / "d_late_not_utf8.csv").write_bytes(late_bad)
    (folder / "e_blank_line.csv").write_bytes(b"Supplier,Amount\nA,1\n\nB,2\n")
    (folder / "f_semicolon.csv").write_bytes(b"Supplier;Amount\nA;1,50\nB;2,25\n")
    with SpendPipeline(tmp_path / "cache") as pipe:
        pipe.ingest(folder)
        table = pipe.files_table().set_index("file")
        assert table["route"].to_dict() == {
            "a_plain.csv": "duckdb", "b_council.csv": "duckdb", "c_late_euro.csv": "pandas",
            "c2_late_utf8.csv": "pandas", "d_late_not_utf8.csv": "pandas", "e_blank_line.csv": "pandas",
            "f_semicolon.csv": "pandas"}
        # DuckDB's Latin-1 refuses the bytes 0x80–0x9F; a UTF-8 line is found by the SQL check
        assert "not latin-1" in table.loc["c_late_euro.csv", "why"]
        assert "after the first records" in table.loc["c2_late_utf8.csv", "why"]
        assert "DuckDB could not read" in table.loc["d_late_not_utf8.csv", "why"]
        assert "blank lines" in table.loc["e_blank_line.csv", "why"]
        assert table.loc["b_council.csv", "dropped"] == {"title or blank rows above the header": 1}
        df = assert_agree(pipe, folder)
    assert {"Caf\u00e9 \u20ac Ltd", "Caf\u00e9 Ltd"} <= set(df["supplier"])


def test_rows_set_aside_are_reported_as_load_spend_reports_them(tmp_path, pipe):
    f = write(tmp_path / "awkward.csv", AWKWARD.replace("\n\n", "\n \n", 1))
    pipe.ingest(f)
    assert pipe.files[0].route == "duckdb"
    want = spend.load_spend(f).attrs["report"]["files"][0]["dropped"]
    assert pipe.files[0].dropped == want
    assert want["totals"] == 2 and want["repeated header"] == 1
    # and again from the cache, without reading the file
    with SpendPipeline(pipe.cache_dir) as again:
        again.ingest(f)
        assert again.files[0].route == "cache" and again.files[0].dropped == want


def test_a_folder_already_in_the_cache_folder_is_never_touched(tmp_path):
    """The batch's working folder is made fresh for it; a folder of the same look that was
    there before (someone else's, or left by a crash) is neither reused nor deleted."""
    cache = tmp_path / "cache"
    theirs = cache / f".batch.{os.getpid()}.tmp"
    theirs.mkdir(parents=True)
    (theirs / "keep.txt").write_text("mine")
    f = write(tmp_path / "s.csv", "Supplier,Amount\nA,10\nB,5\n")
    with SpendPipeline(cache) as p:
        p.ingest(f)
        assert p.files_table()["route"].tolist() == ["duckdb"] and p.totals()["net"] == 15
    assert (theirs / "keep.txt").read_text() == "mine"
    assert sorted(x.name for x in cache.iterdir() if x.name.startswith(".batch")) == [theirs.name]
