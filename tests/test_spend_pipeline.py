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
        assert a.hhi == pytest.approx(b.hhi, abs=0.11)
        assert a.top_n_share == pytest.approx(b.top_n_share)
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
