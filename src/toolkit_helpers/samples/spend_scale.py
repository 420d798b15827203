"""Seeded generator of large multi-council spend data for benchmarks and scale tests.

Not part of the committed sample (``TOPICS``): it writes N rows on demand, split across
councils and months, in two published layouts (with their quirks), so the scale pipeline and
the naive approaches can be compared on the same files.

- **LGA layout** (opendatacommunities): ``OrganisationLabel, OrganisationURI, EffectiveDate,
  OrganisationalUnit, BeneficiaryName, BeneficiaryOtherID, PaymentDate, TransactionNumber,
  Amount, IrrecoverableVATAmount, Purpose, ProclassLabel, ProclassCode`` — UTF-8 with BOM, ISO
  dates, plain amounts.
- **Council layout**: a title row, then ``Body Name, Service Area, Expenses Type, Paid Date,
  Trans No, Supplier Name, Net Amount(£), Purpose`` — Windows-1252, CRLF, dd/mm/yyyy dates,
  amounts with thousands separators and credits in brackets, supplier names padded.

``python -m toolkit_helpers.samples.spend_scale --rows 1000000 --out DIR``
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

SERVICES = ["Adult Social Care", "Children's Services", "Environment", "Highways",
            "Housing", "Libraries and Culture", "Planning", "Finance", "Waste Management",
            "Leisure", "Public Health", "Corporate Services"]
EXPENSES = ["Agency Staff", "Consultancy", "Equipment", "Grants", "ICT Software",
            "Building Maintenance", "Transport", "Professional Fees", "Utilities",
            "Catering", "Cleaning", "Security"]
PURPOSES = ["Service delivery", "Maintenance contract", "Supplies", "Licence renewal",
            "Annual subscription", "Repairs", "Training", "Grant payment"]
LGA_HEADER = ["OrganisationLabel", "OrganisationURI", "EffectiveDate", "OrganisationalUnit",
              "BeneficiaryName", "BeneficiaryOtherID", "PaymentDate", "TransactionNumber",
              "Amount", "IrrecoverableVATAmount", "Purpose", "ProclassLabel", "ProclassCode"]
COUNCIL_HEADER = ["Body Name", "Service Area", "Expenses Type", "Paid Date", "Trans No",
                  "Supplier Name", "Net Amount(£)", "Purpose"]


def _suppliers(rng: np.random.Generator, n: int) -> np.ndarray:
    stems = ["Acme", "Northvale", "Bright", "Castle", "Green", "Oak", "Riverside", "Summit",
             "Harbour", "Meadow", "Granite", "Beacon", "Willow", "Apex", "Crown", "Lantern"]
    kinds = ["Ltd", "Limited", "plc", "LLP", "Services Ltd", "Trust", "CIC", "& Sons"]
    names = {f"{rng.choice(stems)} {rng.choice(stems)} {rng.choice(kinds)}" for _ in range(n * 3)}
    out = np.array(sorted(names)[:n], dtype=object)
    out[: max(1, n // 50)] = "REDACTED PERSONAL DATA"
    return out


def _amounts(rng: np.random.Generator, n: int) -> np.ndarray:
    a = np.round(np.exp(rng.normal(7.2, 1.3, n)) + 250, 2)
    a[rng.random(n) < 0.02] *= -1  # credits
    return a


def generate(out_dir: str | Path, rows: int, councils: int = 20, seed: int = 42,
             year: int = 2023) -> list[Path]:
    """Write ``rows`` spend lines across ``councils`` councils × 12 monthly files (half in each
    layout) under ``out_dir``. Returns the files. Deterministic for a given seed."""
    import pandas as pd

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    suppliers = _suppliers(rng, 4000)
    files: list[Path] = []
    per_file = np.full(councils * 12, rows // (councils * 12))
    per_file[: rows - per_file.sum()] += 1
    k = 0
    for c in range(councils):
        org = f"Synthetic Council {c + 1:03d}"
        lga = c % 2 == 0
        for month in range(1, 13):
            n = int(per_file[k])
            k += 1
            if n == 0:
                continue
            days = rng.integers(1, 29, n)
            dates = pd.to_datetime(dict(year=np.full(n, year), month=np.full(n, month), day=days))
            sup = suppliers[rng.zipf(1.3, n) % len(suppliers)]
            amt = _amounts(rng, n)
            svc = np.array(SERVICES, dtype=object)[rng.integers(0, len(SERVICES), n)]
            exp = np.array(EXPENSES, dtype=object)[rng.integers(0, len(EXPENSES), n)]
            pur = np.array(PURPOSES, dtype=object)[rng.integers(0, len(PURPOSES), n)]
            txn = np.char.add(f"T{c:03d}{month:02d}-", np.arange(n).astype(str))
            if lga:
                df = pd.DataFrame({
                    "OrganisationLabel": org,
                    "OrganisationURI": f"http://opendatacommunities.org/id/synthetic/{c + 1:03d}",
                    "EffectiveDate": f"{year}-{month:02d}-28",
                    "OrganisationalUnit": svc, "BeneficiaryName": sup,
                    "BeneficiaryOtherID": "", "PaymentDate": dates.dt.strftime("%Y-%m-%d"),
                    "TransactionNumber": txn, "Amount": amt,
                    "IrrecoverableVATAmount": 0, "Purpose": pur, "ProclassLabel": exp,
                    "ProclassCode": ""})
                path = out / f"council_{c + 1:03d}_{year}_{month:02d}.csv"
                path.write_bytes(b"\xef\xbb\xbf" + df.to_csv(index=False, lineterminator="\n")
                                 .encode("utf-8"))
            else:
                plain = pd.Series(np.abs(amt)).map("{:,.2f}".format).to_numpy(dtype=object)
                money = np.where(amt < 0, "(" + plain + ")", plain)
                df = pd.DataFrame({
                    "Body Name": org, "Service Area": svc, "Expenses Type": exp,
                    "Paid Date": dates.dt.strftime("%d/%m/%Y"), "Trans No": txn,
                    "Supplier Name": np.char.ljust(sup.astype(str), 40), "Net Amount(£)": money,
                    "Purpose": pur})
                path = out / f"council_{c + 1:03d}_{year}_{month:02d}.csv"
                text = f"{org} - spend over £500, {year}-{month:02d}\r\n" + \
                    df.to_csv(index=False, lineterminator="\r\n")
                path.write_bytes(text.encode("cp1252"))
            files.append(path)
    return files



def generate_one(path: str | Path, rows: int, layout: str = "lga", seed: int = 42,
                 year: int = 2023) -> Path:
    """One council's year as a single file of ``rows`` lines (a large council publishing one
    annual file) in ``layout`` (``"lga"`` or ``"council"``): the twelve monthly files of
    :func:`generate` joined under one header (and, for the council layout, one title row)."""
    import shutil
    import tempfile

    if layout not in ("lga", "council"):
        raise ValueError(f"layout must be 'lga' or 'council', not {layout!r}")
    path = Path(path)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        # council 1 is in the LGA layout, council 2 in the council's own
        files = generate(tmp, rows * (1 if layout == "lga" else 2),
                         councils=1 if layout == "lga" else 2, seed=seed, year=year)
        files = sorted(f for f in files if f.name.startswith("council_001" if layout == "lga"
                                                            else "council_002"))
        skip = 1 if layout == "lga" else 2  # header (and title) lines of all but the first
        with open(path, "wb") as out:
            for i, f in enumerate(files):
                with open(f, "rb") as src:
                    if i:
                        for _ in range(skip):
                            src.readline()
                    shutil.copyfileobj(src, out)
    return path

def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--councils", type=int, default=20)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    files = generate(a.out, a.rows, a.councils, a.seed)
    print(f"wrote {len(files)} files, {a.rows:,} rows, under {a.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
