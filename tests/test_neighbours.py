"""Your spend beside your neighbours': readers, every measure on hand-made frames (answers known
by construction), the memory-bounded aggregation against the pandas loader, missing data, the
sample generator, the config wiring, and the notebook under papermill with the second council."""
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from toolkit_helpers import neighbours as nb
from toolkit_helpers import samples, spend
from toolkit_helpers.errors import DataFileError

ROOT = Path(__file__).resolve().parents[1]


def _suppliers(rows):
    return pd.DataFrame(rows, columns=["key", "supplier", "amount", "lines", "redacted"])


def _register(rows, cols=("key", "supplier", "postcode", "sme", "vcse")):
    return pd.DataFrame(rows, columns=list(cols))


# ----------------------------------------------------------------------------- readers

def test_population_in_the_ons_layout(tmp_path):
    p = tmp_path / "mye2.csv"
    p.write_text("Mid-Year Population Estimates, June 2023\nPersons\n\n"
                 "Code,Name,Geography,All ages,0,1\n"
                 "E12000999,Region,Region,\"1,200\",600,600\n"
                 "E07000001,Alpha,Non-metropolitan District,\"1,000\",400,600\n"
                 ",,,,,\n", encoding="utf-8")
    df = nb.load_population(p)
    assert df["code"].tolist() == ["E12000999", "E07000001"]
    assert df.set_index("code").loc["E07000001", "population"] == 1000
    assert df.set_index("code").loc["E07000001", "name"] == "Alpha"


def test_population_errors_name_the_row_and_file(tmp_path):
    p = tmp_path / "mye2.csv"
    p.write_text("Code,Name,All ages\nE07000001,Alpha,lots\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="not a number") as e:
        nb.load_population(p)
    assert e.value.row == 2 and "mye2.csv" in str(e.value)
    q = tmp_path / "other.csv"
    q.write_text("Area,People\nx,1\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="no header row"):
        nb.load_population(q)


def test_postcodes_are_normalised():
    assert nb.normalise_postcode(" nv3  4ab ") == "NV3 4AB"
    assert nb.normalise_postcode("NV34AB") == "NV3 4AB"
    assert nb.normalise_postcode("not a postcode") is None and nb.normalise_postcode(None) is None


def test_register_with_and_without_status_columns(tmp_path):
    p = tmp_path / "suppliers.csv"
    p.write_text("Supplier,Postcode,SME\nAcme Ltd,nv1 1ab,Yes\nACME LIMITED,,No\nBeta plc,,\n",
                 encoding="utf-8")
    r = nb.load_register(p)
    assert len(r) == 2  # Acme Ltd and ACME LIMITED are one supplier (first kept)
    acme = r.iloc[0]
    assert acme["postcode"] == "NV1 1AB" and acme["sme"] is True
    assert r.iloc[1]["sme"] is None and r["vcse"].isna().all()
    q = tmp_path / "names_only.csv"
    q.write_text("Supplier Name\nAcme Ltd\n", encoding="utf-8")
    assert nb.load_register(q)["postcode"].isna().all()


# ----------------------------------------------------------------------------- measures

def test_per_resident_is_annualised():
    assert nb.per_resident(600_000, 6, 10_000) == pytest.approx(120.0)  # £600k in 6 months → £1.2m
    assert math.isnan(nb.per_resident(1000, 0, 100))
    assert math.isnan(nb.per_resident(1000, 12, None))
    assert math.isnan(nb.per_resident(1000, 12, float("nan")))


def test_concentration_by_construction():
    s = _suppliers([("A", "A", 60.0, 1, False), ("B", "B", 30.0, 1, False),
                    ("C", "C", 10.0, 1, False), ("R", "Redacted", 500.0, 1, True),
                    ("D", "D", -5.0, 1, False)])
    top, hhi, n = nb.concentration(s, top_n=1)
    assert (n, top) == (3, pytest.approx(0.6))      # redacted and net-negative left out
    assert hhi == pytest.approx(60**2 + 30**2 + 10**2)
    assert nb.concentration(s, top_n=10)[0] == pytest.approx(1.0)
    empty = nb.concentration(_suppliers([("R", "x", 5.0, 1, True)]))
    assert math.isnan(empty[0]) and empty[2] == 0


def test_sme_and_vcse_shares_where_known():
    s = _suppliers([("A", "A", 50.0, 1, False), ("B", "B", 30.0, 1, False),
                    ("C", "C", 20.0, 1, False), ("R", "Redacted", 100.0, 1, True)])
    reg = _register([("A", "A", None, True, None), ("B", "B", None, False, True)])
    share, cover = nb.flag_share(s, reg, "sme")
    assert share == pytest.approx(50 / 80) and cover == pytest.approx(80 / 100)
    share, cover = nb.flag_share(s, reg, "vcse")
    assert share == pytest.approx(1.0) and cover == pytest.approx(30 / 100)
    # no register, or a register that does not say: not known (NaN), coverage 0
    assert math.isnan(nb.flag_share(s, None, "sme")[0])
    names_only = _register([("A", "A", None, None, None)])
    assert math.isnan(nb.flag_share(s, names_only, "sme")[0])
    assert nb.flag_share(s, names_only, "sme")[1] == 0


def test_local_share_needs_postcodes_and_a_lookup():
    s = _suppliers([("A", "A", 40.0, 1, False), ("B", "B", 40.0, 1, False),
                    ("C", "C", 20.0, 1, False)])
    reg = _register([("A", "A", "NV1 1AB", None, None), ("B", "B", "NV2 2AB", None, None),
                     ("C", "C", "QQ9 9ZZ", None, None)])
    lookup = {"NV1 1AB": "E07000001", "NV2 2AB": "E07000002"}
    share, cover = nb.local_share(s, reg, lookup, "E07000001")
    assert share == pytest.approx(0.5) and cover == pytest.approx(0.8)  # C's postcode unknown
    no_pc = _register([("A", "A", None, True, None)])
    assert math.isnan(nb.local_share(s, no_pc, lookup, "E07000001")[0])
    assert math.isnan(nb.local_share(s, reg, None, "E07000001")[0])


def test_payment_bands_in_pandas_and_sql_agree():
    import duckdb

    amounts = [-20.0, 100.0, 500.0, 999.99, 1000.0, 4999.0, 25000.0, 100000.0, 250000.0]
    b = nb.payment_bands(amounts).set_index("band")
    assert b["payments"].tolist() == [1, 1, 2, 2, 0, 1, 2]
    assert b.loc["£100k and over", "amount"] == 350000.0
    con = duckdb.connect()
    con.execute("CREATE TABLE t (amount DOUBLE)")
    con.executemany("INSERT INTO t VALUES (?)", [(a,) for a in amounts])
    rows = con.execute(f"SELECT {nb.band_sql()}, count(*), sum(amount) FROM t GROUP BY 1").fetchall()
    assert nb._band_frame(rows).equals(nb.payment_bands(amounts))


def test_timeliness_months_missing_and_behind():
    expected = nb.month_range("2023-11", "2024-02")
    assert expected == ["2023-11", "2023-12", "2024-01", "2024-02"]
    t = nb.timeliness(["2023-11", "2024-01"], expected)
    assert t["months_covered"] == 2 and t["missing_months"] == "2023-12, 2024-02"
    assert t["latest_month"] == "2024-01" and t["months_behind"] == 1
    none = nb.timeliness([], expected)
    assert none["months_covered"] == 0 and none["latest_month"] == nb.NOT_KNOWN


def _council(name, code, by_service, bands=None, months=None, net=0.0, mine=False):
    c = nb.CouncilSpend(code, name, mine, net=net, months=months or {})
    c.by_service = pd.DataFrame(by_service, columns=["category", "amount"])
    c.bands = bands
    return c


def test_mix_table_shares_other_and_not_given():
    a = _council("A", "E1", [("Waste", 50.0), ("Housing", 30.0), ("Misc", 10.0), (None, 10.0)])
    b = _council("B", "E2", [("Waste", 80.0), ("Housing", 20.0)])
    m = nb.mix_table([a, b], top=2).set_index("council")
    assert list(m.columns) == ["Waste", "Housing", "Other", "(not given)"]
    assert m.loc["A"].tolist() == pytest.approx([0.5, 0.3, 0.1, 0.1])
    assert m.loc["B"].tolist() == pytest.approx([0.8, 0.2, 0.0, 0.0])


def test_bands_table_shares_of_payments():
    c = _council("A", "E1", [], bands=nb.payment_bands([600.0, 700.0, 2000.0, -10.0]))
    t = nb.bands_table([c]).set_index("council")
    assert t.loc["A", "£500–£1k"] == pytest.approx(0.5) and t.loc["A", "credit"] == 0.25


# ----------------------------------------------------------------------------- aggregation

def _lga_file(path, org, rows):
    lines = ["OrganisationLabel,BeneficiaryName,PaymentDate,TransactionNumber,Amount,"
             "OrganisationalUnit,ProclassLabel"]
    lines += [f"{org},{s},{d},{t},{a},{svc},{exp}" for t, (s, d, a, svc, exp) in enumerate(rows)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _small_set(root: Path):
    """Three councils: A (register with postcodes and SME), B (register without postcodes or
    status, a missing month), C (no register, and the council itself)."""
    _lga_file(root / "E07000001-a" / "a_2024-01.csv", "A", [
        ("Acme Ltd", "2024-01-05", 60000, "Waste", "Contracts"),
        ("Beta Ltd", "2024-01-09", 30000, "Housing", "Repairs")])
    _lga_file(root / "E07000001-a" / "a_2024-02.csv", "A", [
        ("Gamma CIC", "2024-02-05", 10000, "Housing", "Grants"),
        ("REDACTED PERSONAL DATA", "2024-02-06", 700, "Housing", "Grants"),
        ("Acme Ltd", "2024-02-07", -1000, "Waste", "Contracts")])
    (root / "E07000001-a" / "suppliers.csv").write_text(
        "Supplier,Postcode,SME\nAcme Ltd,NV1 1AA,No\nBeta Ltd,NV2 2BB,Yes\nGamma CIC,NV1 3CC,Yes\n",
        encoding="utf-8")
    _lga_file(root / "E07000002-b" / "b_2024-01.csv", "B", [
        ("Delta Ltd", "2024-01-03", 5000, "Parks", "Equipment")])
    (root / "E07000002-b" / "suppliers.csv").write_text("Supplier\nDelta Ltd\n", encoding="utf-8")
    _lga_file(root / "E07000003-c" / "c_2024-01.csv", "C", [
        ("Echo Ltd", "2024-01-10", 400, "Waste", "Fuel"),
        ("Foxtrot Ltd", "2024-01-11", 1600, "Waste", "Fuel")])
    _lga_file(root / "E07000003-c" / "c_2024-02.csv", "C", [
        ("Echo Ltd", "2024-02-10", 2000, "Waste", "Fuel")])
    (root / "postcodes.csv").write_text("pcds,laua\nNV1 1AA,E07000001\nNV2 2BB,E07000002\n"
                                        "NV1 3CC,E07000001\n", encoding="utf-8")
    pop = root / "pop.csv"
    pop.write_text("Code,Name,Geography,All ages\nE07000001,Aville,District,1000\n"
                   "E07000002,Bton,District,500\nE07000003,Ceford,District,100\n", encoding="utf-8")
    return pop


def test_compare_a_small_set_by_hand(tmp_path):
    pop_file = _small_set(tmp_path / "n")
    pop = nb.load_population(pop_file)
    src = nb.find_councils(tmp_path / "n", "E07000003", "C Council", ["E07000001", "E07000002",
                                                                      "E07000004"], pop)
    assert [s.code for s in src] == ["E07000003", "E07000001", "E07000002", "E07000004"]
    assert src[0].is_council and src[0].register is None and src[3].files == []
    lookup = nb.load_postcode_lookup(nb.find_lookup(tmp_path / "n"))
    councils = nb.aggregate(src, cache_dir=tmp_path / "cache")
    t = nb.compare(councils, pop, lookup, top_n=1).set_index("code")
    a, b, c = t.loc["E07000001"], t.loc["E07000002"], t.loc["E07000003"]
    assert a["council"] == "Aville" and a["net_spend"] == 99700
    assert a["spend_per_resident_a_year"] == pytest.approx(99700 / 2 * 12 / 1000, abs=0.01)
    # named suppliers: Acme 59,000, Beta 30,000, Gamma 10,000 (the redacted £700 left out)
    assert a["top_1_share"] == pytest.approx(59 / 99) and a["suppliers"] == 3
    assert a["hhi"] == pytest.approx(round(10000 * ((59 / 99) ** 2 + (30 / 99) ** 2 + (10 / 99) ** 2), 1))
    assert a["sme_share"] == pytest.approx(40 / 99) and a["sme_coverage"] == pytest.approx(1.0)
    assert math.isnan(a["vcse_share"])  # the register has no VCSE column
    assert a["local_share"] == pytest.approx(69 / 99)  # Acme and Gamma have NV1 postcodes in A
    assert a["redacted_share"] == pytest.approx(700 / 99700)
    # B: one month of two, a register with names only → not known
    assert b["months_covered"] == 1 and b["missing_months"] == "2024-02" and b["months_behind"] == 1
    assert math.isnan(b["sme_share"]) and math.isnan(b["local_share"])
    assert b["spend_per_resident_a_year"] == pytest.approx(5000 * 12 / 500)
    # C (the council): no register, so SME and local are not known
    assert c["this council"] == "yes" and math.isnan(c["sme_share"]) and c["net_spend"] == 4000
    # a neighbour with no folder: listed, nothing known
    d = t.loc["E07000004"]
    assert d["files"] == 0 and math.isnan(d["spend_per_resident_a_year"])
    shown = nb.shown(t.reset_index())
    assert shown.set_index("code").loc["E07000002", "sme_share"] == nb.NOT_KNOWN
    text = nb.findings_markdown(t.reset_index(), top_n=1)
    assert "Ceford" not in text or "not known" in text
    assert "not known" in text and "known for 1 of 3 neighbours" in text
    # bands of A: one credit, one £500–£1k (the £700), one £5k–£25k, two £25k–£100k
    bands = councils[1].bands.set_index("band")["payments"]
    assert (bands["credit"], bands["£500–£1k"], bands["£5k–£25k"], bands["£25k–£100k"]) == (1, 1, 1, 2)


def _amount(k: int, i: int, m: int) -> float:
    return round(100 + 37.5 * (i + 1) * (k + 1) + m, 2)


def _scale_set(root: Path, councils: int, years: int, rows: int) -> list[Path]:
    """``councils`` folders, each with one file a year (as some councils publish) of 12
    months × ``rows`` lines a month (LGA layout)."""
    folders = []
    for k in range(councils):
        folder = root / f"E0700{k + 100:04d}-council-{k}"
        for y in range(years):
            lines = [(f"Supplier {(k + i) % 7} Ltd", f"{2021 + y}-{m:02d}-{1 + i % 27:02d}",
                      _amount(k, i, m), f"Service {i % 3}", f"Type {i % 4}")
                     for m in range(1, 13) for i in range(rows)]
            _lga_file(folder / f"spend_{2021 + y}.csv", f"Council {k}", lines)
        folders.append(folder)
    return folders


def test_aggregation_of_16_councils_over_3_years(tmp_path):
    """16 councils × 3 years, aggregated one council at a time; every council's results by
    construction, and two councils checked line for line against the pandas loader."""
    rows = 2
    folders = _scale_set(tmp_path / "n", councils=16, years=3, rows=rows)
    src = nb.find_councils(tmp_path / "n", folders[0].name[:9], "Council 0",
                           [f.name[:9] for f in folders[1:]])
    assert len(src) == 16 and all(len(s.files) == 3 for s in src)
    councils = nb.aggregate(src, cache_dir=tmp_path / "cache")
    t = nb.compare(councils, top_n=3).set_index("code")
    expected_months = nb.month_range("2021-01", "2023-12")
    for k, (s, c) in enumerate(zip(src, councils)):
        amounts = [_amount(k, i, m) for _y in range(3) for m in range(1, 13) for i in range(rows)]
        assert c.lines == 36 * rows and c.net == pytest.approx(sum(amounts), abs=0.01)
        assert sorted(c.months) == expected_months
        row = t.loc[s.code]
        assert row["months_covered"] == 36 and row["missing_months"] == "none"
        assert row["suppliers"] == rows  # supplier i of council k: (k + i) % 7
        # only aggregates are kept: never a frame with one row per line
        assert len(c.suppliers) == rows and len(c.by_service) == min(rows, 3)
        assert c.bands["payments"].sum() == c.lines
    for s, c in ((src[0], councils[0]), (src[-1], councils[-1])):
        df = spend.load_spend(s.files)  # the pandas path, everything in memory, as a check
        per = df.groupby("supplier")["amount"].sum().sort_values(ascending=False)
        row = t.loc[s.code]
        assert row["top_3_share"] == pytest.approx(per.iloc[:3].sum() / per.sum())
        assert row["hhi"] == pytest.approx(((per / per.sum() * 100) ** 2).sum(), abs=0.1)
        assert c.bands.set_index("band")["payments"].to_dict() == \
            nb.payment_bands(df["amount"]).set_index("band")["payments"].to_dict()


# the council's own spend in a layout no header rule knows: read only with its config mapping
OWN_A = ("Paid on,Who got paid,How much (GBP)\n"
         "03/04/2024,Acme Ltd,100.00\n"
         "17/04/2024,Brightside CIC,250.50\n")
OWN_B = ("Date,Payee name,Sum\n"
         "02/05/2024,Acme Ltd,10.00\n"
         "20/05/2024,Cobble Co,20.25\n")
OWN_MAPPINGS = [{"files": "own_a.csv", "columns": {"payment_date": "Paid on",
                                                   "supplier": "Who got paid",
                                                   "amount": "How much (GBP)"}},
                {"columns": {"supplier": "Payee name", "amount": "Sum"}}]


def _mapped_council(root: Path, own_in_folder: bool = False) -> Path:
    """A config for E07000003 whose own spend needs ``mappings.spend`` (two layouts, one
    mapping per file), with two neighbours in the LGA layout (read without it)."""
    import yaml

    pop = _small_set(root / "n")
    shutil.rmtree(root / "n" / "E07000003-c")
    own = root / "n" / "E07000003-c" if own_in_folder else root / "own"
    own.mkdir(parents=True)
    (own / "own_a.csv").write_text(OWN_A, encoding="utf-8")
    (own / "own_b.csv").write_text(OWN_B, encoding="utf-8")
    (root / "councils").mkdir()
    doc = {"council": {"name": "Ceford Council", "gss_code": "E07000003",
                       "statistical_neighbours": ["E07000001", "E07000002"]},
           "service": {"name": "Bins"}, "output_dir": "../out",
           "data": {"neighbours": "../n", "population": f"../n/{pop.name}"},
           "mappings": {"spend": OWN_MAPPINGS}}
    if not own_in_folder:
        doc["data"]["spend"] = "../own"
    cfg = root / "councils" / "c.yaml"
    cfg.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return cfg


@pytest.mark.parametrize("own_in_folder", [False, True], ids=["data.spend", "own folder"])
def test_the_councils_own_spend_is_read_with_its_config_mappings(tmp_path, own_in_folder):
    from toolkit_helpers import kinds
    from toolkit_helpers.config import load_config

    cfg = load_config(_mapped_council(tmp_path, own_in_folder))
    src = nb.find_councils(cfg.data_paths("neighbours"), "E07000003", "Ceford Council",
                           cfg.council.statistical_neighbours, None, cfg.data_paths("spend"))
    assert src[0].is_council and [f.name for f in src[0].files] == ["own_a.csv", "own_b.csv"]
    councils = nb.aggregate(src, cache_dir=tmp_path / "cache", config=cfg)
    own = councils[0]
    # the same figures as the spend case study reads (kinds.load_config_key, per-file mappings)
    assert own.net == 380.75 and own.lines == 4 and own.files == 2
    if not own_in_folder:
        df = kinds.load_config_key(cfg, "spend")
        assert own.net == round(float(df["amount"].sum()), 2) and own.lines == len(df)
    assert own.months == {"2024-04": 2, "2024-05": 2} and own.undated_lines == 0
    assert sorted(own.suppliers["supplier"]) == ["Acme Ltd", "Brightside CIC", "Cobble Co"]
    # the neighbours are read as published: the council's mapping (for every other file) would
    # find no "Payee name" in their files
    assert [c.net for c in councils[1:]] == [99700, 5000]
    # without the mapping the council's files cannot be read
    with pytest.raises(DataFileError, match="supplier and amount columns"):
        nb.aggregate(src[:1], cache_dir=tmp_path / "cache2")


def test_one_mapping_or_a_sheet_for_the_councils_files(tmp_path):
    from toolkit_helpers.config import load_config

    cfg = load_config(_mapped_council(tmp_path))
    src = nb.find_councils(cfg.data_paths("neighbours"), "E07000003", "C", (), None,
                           cfg.data_paths("spend"))[:1]
    src[0].files = src[0].files[1:]  # own_b.csv only: one mapping as a dict
    got = nb.aggregate(src, cache_dir=tmp_path / "c1",
                       mapping={"supplier": "Payee name", "amount": "Sum"})
    assert got[0].net == 30.25 and got[0].undated_lines == 0
    with pytest.raises(ValueError, match="config or mapping"):
        nb.aggregate(src, config=cfg, mapping={"supplier": "Payee name"})
    # a CSV has no sheets: a sheet the config names for it changes nothing
    got = nb.aggregate(src, cache_dir=tmp_path / "c2",
                       mapping=lambda f: ({"supplier": "Payee name", "amount": "Sum"}, "Data"))
    assert got[0].net == 30.25


def test_the_sheet_the_config_names_is_the_one_read(tmp_path):
    """A workbook of the council's own spend whose config reads one sheet (mappings.spend
    with ``sheet:``): the study reads that sheet only, as the spend case study does."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    ws.append(["Payee name", "Sum", "Date"])
    ws.append(["Everyone", 999.0, "01/04/2024"])
    ws = wb.create_sheet("Data")
    ws.append(["Payee name", "Sum", "Date"])
    ws.append(["Acme Ltd", 10.0, "02/04/2024"])
    ws.append(["Cobble Co", 20.25, "03/04/2024"])
    book = tmp_path / "own.xlsx"
    wb.save(book)
    src = [nb.CouncilSource("E07000003", "C", [book], is_council=True)]
    columns = {"supplier": "Payee name", "amount": "Sum", "payment_date": "Date"}
    got = nb.aggregate(src, cache_dir=tmp_path / "c", mapping=lambda f: (columns, "Data"))
    want = spend.load_spend(book, columns, sheet="Data")
    assert got[0].net == 30.25 == round(float(want["amount"].sum()), 2) and got[0].lines == 2
    every = nb.aggregate(src, cache_dir=tmp_path / "c", mapping=columns)  # no sheet: both
    assert every[0].net == 1029.25 and every[0].lines == 3


def test_missing_folder_and_empty_inputs(tmp_path):
    with pytest.raises(DataFileError, match="not a folder"):
        nb.find_councils(tmp_path / "nowhere", "E07000001", "X")
    src = nb.find_councils(tmp_path, "E07000001", "X", own_spend=[])
    c = nb.aggregate(src, cache_dir=tmp_path / "cache")
    assert c[0].lines == 0 and c[0].bands is None
    t = nb.compare(c)
    assert math.isnan(t.loc[0, "spend_per_resident_a_year"]) and t.loc[0, "suppliers"] == 0


# ----------------------------------------------------------------------------- sample and config

def test_sample_generator_is_deterministic_and_committed(tmp_path):
    from toolkit_helpers.samples import neighbours as sn

    written = sn.generate(tmp_path, samples.SAMPLE_COUNCIL)
    again = sn.generate(tmp_path / "again", samples.SAMPLE_COUNCIL)
    size = 0
    for p, q in zip(written, again):
        rel = p.relative_to(tmp_path)
        assert p.read_bytes() == q.read_bytes(), rel
        committed = ROOT / "data" / "sample" / rel
        assert committed.read_bytes() == p.read_bytes(), f"data/sample/{rel} is out of date"
        size += p.stat().st_size
    assert size < 400_000  # small: the repository stays small
    # different councils use different layouts and placeholders
    heads = {tuple(f.read_bytes()[:40] for f in sorted(d.glob("*_spend_2023-05.csv")))
             for d in (tmp_path / "neighbours").iterdir() if d.is_dir()}
    assert len(heads) >= 4


def test_second_councils_set_differs(tmp_path):
    from toolkit_helpers.samples import neighbours as sn

    sn.generate(tmp_path, samples.SECOND_COUNCIL)
    names = sorted(p.name for p in (tmp_path / "neighbours").iterdir() if p.is_dir())
    assert names[0].startswith("E07000901") and any(n.startswith("E07000904") for n in names)
    assert any(n.startswith("E07000903") for n in names)  # the council's own register
    text = "".join(p.read_text(encoding="cp1252", errors="replace")
                   for p in (tmp_path / "neighbours").rglob("*.csv"))
    assert samples.SAMPLE_COUNCIL.name not in text  # Anytown appears, by another name


def test_sample_config_wires_the_neighbours_and_applicability(tmp_path):
    from toolkit_helpers.collection import applicability, discover
    from toolkit_helpers.config import load_config
    from toolkit_helpers.report import CONTRIBUTORS

    cfg = load_config(ROOT / "councils" / "sample.yaml")
    assert cfg.data_paths("neighbours")[0].is_dir() and cfg.data_paths("population")[0].is_file()
    info = next(n for n in discover(ROOT) if n.name == "spend_neighbours")
    assert info.requires == ("neighbours",) and info.pattern == "delivery"
    assert applicability(info, cfg).applicable
    doc = (ROOT / "councils" / "sample.yaml").read_text()
    no_neighbours = tmp_path / "c.yaml"
    no_neighbours.write_text("\n".join(line for line in doc.splitlines()
                                       if not line.strip().startswith(("neighbours:", "population:")))
                             .replace("../data", str(ROOT / "data")), encoding="utf-8")
    a = applicability(info, load_config(no_neighbours))
    assert not a.applicable and "data.neighbours" in a.reason
    assert "spend_neighbours" in CONTRIBUTORS["commercial"] + CONTRIBUTORS["strategic"]


# ----------------------------------------------------------------------------- the notebook

@pytest.mark.slow
def test_notebook_reads_the_councils_own_spend_with_its_mappings(tmp_path):
    """The study's figure for the council is the spend case study's when its files need the
    config's per-file mappings (the notebook feeds them to the aggregation)."""
    import papermill as pm

    from toolkit_helpers import kinds
    from toolkit_helpers.config import load_config

    cfg = _mapped_council(tmp_path)
    out = tmp_path / "out"
    pm.execute_notebook(str(ROOT / "notebooks" / "case_studies" / "spend_neighbours.ipynb"),
                        str(tmp_path / "nb.ipynb"), kernel_name="python3", cwd=str(ROOT),
                        progress_bar=False, parameters={"CONFIG": str(cfg), "OUTPUT_DIR": str(out),
                                                        "INTERACTIVE": False})
    per = pd.read_csv(out / "spend_neighbours" / "spend_per_resident.csv").set_index("council")
    spend_total = round(float(kinds.load_config_key(load_config(cfg), "spend")["amount"].sum()), 2)
    assert per.loc["Ceford", "net_spend"] == spend_total == 380.75
    assert per.loc["Aville", "net_spend"] == 99700 and per.loc["Bton", "net_spend"] == 5000

