"""Start-here content as data: the three patterns, the four stages, the five barriers, and the
barriers self-assessment that recommends where to start.

Keeping this in the package (not only in notebook prose) lets the start-here notebook, the
facilitator guide and the tests share one source.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import DataFileError


@dataclass(frozen=True)
class Pattern:
    key: str
    name: str
    case_study: str
    notebook: str
    summary: str


PATTERNS: tuple[Pattern, ...] = (
    Pattern("access", "Better access to services",
            "Transport for London open data, reused by apps such as Citymapper",
            "case_studies/tfl_transport.ipynb",
            "Publishing service data (where, when, how) lets others build the tools people use "
            "to reach the service."),
    Pattern("delivery", "More efficient service delivery chains",
            "Spend Network analysing council spend, contract and tender data",
            "case_studies/spend_network_tenders.ipynb",
            "Open spend and contract data shows who supplies what, at what price, and when "
            "contracts end, so buying can be planned and compared."),
    Pattern("policy", "Better-informed policy",
            "DWP's claimant count visualisation of jobseekers, built only from open data",
            "case_studies/dwp_jobseekers.ipynb",
            "Open statistics let people compare places and follow trends, so policy rests on "
            "shared evidence."),
)


@dataclass(frozen=True)
class Stage:
    number: int
    name: str
    notebook: str
    question: str


STAGES: tuple[Stage, ...] = (
    Stage(1, "Goals", "stages/01_goals.ipynb",
          "What problem does the service have, for whom, and what would success look like?"),
    Stage(2, "Data use", "stages/02_data_use.ipynb",
          "Which data do you hold or could use, who looks after it, and how good is it?"),
    Stage(3, "Demonstrating value", "stages/03_demonstrating_value.ipynb",
          "What are the costs and benefits over time, and is it value for money?"),
    Stage(4, "Championing open", "stages/04_championing_open.ipynb",
          "Is the data safe and ready to publish, and what goes in the business case?"),
)


@dataclass(frozen=True)
class Barrier:
    key: str
    barrier: str
    statement: str  # what a 5 ("not a problem") means
    start_with: str  # notebook to start with when it is a problem
    why: str


BARRIERS: tuple[Barrier, ...] = (
    Barrier("understanding", "People don't know what open data is",
            "Colleagues know what open data is and how it differs from personal data",
            "00_start_here.ipynb", "Sections 1–2 of this notebook: definitions, licence, examples."),
    Barrier("senior_support", "Getting senior managers on board",
            "Senior managers support using open data and have seen examples from elsewhere",
            "case_studies/ (any of the three)",
            "Case studies give real-world evidence; the business case pack speaks their language."),
    Barrier("finding_data", "Open datasets are hard to find and access",
            "We can find and load the open datasets we need",
            "stages/02_data_use.ipynb", "Catalogue search and robust loaders for council formats."),
    Barrier("data_quality", "Unclear who maintains a dataset, so quality is uncertain",
            "We know who looks after each dataset and trust its quality",
            "stages/02_data_use.ipynb",
            "The quality and accountability scorecard names owners, licences, freshness and errors."),
    Barrier("joined_up", "Departments don't work together",
            "Teams share data and work together on services",
            "stages/02_data_use.ipynb",
            "The ecosystem map shows who holds, contributes, reuses and benefits."),
)
BARRIER_KEYS = tuple(b.key for b in BARRIERS)


def validate_scores(scores: dict, source: str | Path | None = None) -> dict[str, int]:
    """Check a barriers self-assessment: every barrier scored 1 (big problem) to 5 (none)."""
    if not isinstance(scores, dict):
        raise DataFileError("the barrier scores must be a mapping of barrier → score 1–5",
                            file=source, hint=f"use the keys {', '.join(BARRIER_KEYS)}.")
    unknown = [k for k in scores if k not in BARRIER_KEYS]
    if unknown:
        raise DataFileError(f"unknown barrier {unknown[0]!r}", file=source,
                            hint=f"use the keys {', '.join(BARRIER_KEYS)}.")
    out = {}
    for key in BARRIER_KEYS:
        if key not in scores:
            raise DataFileError(f"barrier {key!r} has no score", file=source,
                                hint="score every barrier from 1 (a big problem) to 5 (not a problem).")
        v = scores[key]
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 5:
            raise DataFileError(f"barrier {key!r} has score {v!r}", file=source,
                                hint="scores are whole numbers from 1 (a big problem) to 5 (not a problem).")
        out[key] = v
    return out


def load_scores(path: str | Path) -> dict[str, int]:
    """Read a barriers YAML file (``scores: {understanding: 3, …}``)."""
    from .io import read_yaml

    p = Path(path)
    doc, _ = read_yaml(p, missing_hint="check the data.barriers path.")
    if not isinstance(doc, dict) or "scores" not in doc:
        raise DataFileError("expected a 'scores:' section", file=p,
                            hint="see data/sample/council/barriers.yaml for the layout.")
    return validate_scores(doc["scores"], source=p)


def assess(scores: dict[str, int]):
    """The self-assessment as a table, worst barrier first, each with where to start."""
    import pandas as pd

    scores = validate_scores(scores)
    rows = []
    for b in BARRIERS:
        s = scores[b.key]
        level = "big problem" if s <= 2 else ("some problem" if s == 3 else "not a problem")
        rows.append({"barrier": b.barrier, "score (1–5)": s, "for us": level,
                     "start with": b.start_with if s <= 3 else "—", "why": b.why if s <= 3 else ""})
    order = {b.barrier: i for i, b in enumerate(BARRIERS)}
    df = pd.DataFrame(rows)
    df["_o"] = df["barrier"].map(order)
    return df.sort_values(["score (1–5)", "_o"]).drop(columns="_o").reset_index(drop=True)


def recommend(scores: dict[str, int]) -> str:
    """One plain-language recommendation of where to start, from the lowest-scored barrier
    (ties broken in the order of :data:`BARRIERS`)."""
    scores = validate_scores(scores)
    worst = min(BARRIERS, key=lambda b: (scores[b.key], BARRIER_KEYS.index(b.key)))
    if scores[worst.key] >= 4:
        return ("None of the barriers is a big problem for you: go straight to "
                "stages/01_goals.ipynb and build your business case.")
    return (f"Your biggest barrier is “{worst.barrier}” (score {scores[worst.key]}). "
            f"Start with {worst.start_with}: {worst.why}")


def patterns_table():
    import pandas as pd

    return pd.DataFrame([{"pattern": p.name, "case study": p.case_study, "notebook": p.notebook}
                         for p in PATTERNS])


def stages_table():
    import pandas as pd

    return pd.DataFrame([{"stage": s.number, "name": s.name, "question": s.question,
                          "notebook": s.notebook} for s in STAGES])


def barriers_figure(scores: dict[str, int]):
    """A horizontal bar chart of the barrier scores (labelled values), with its alt text."""
    from .charts import PALETTE, new_figure

    scores = validate_scores(scores)
    fig, ax = new_figure(figsize=(8, 3.6))
    labels = [b.barrier for b in BARRIERS][::-1]
    values = [scores[b.key] for b in BARRIERS][::-1]
    colours = [PALETTE[5] if v <= 2 else PALETTE[1] if v == 3 else PALETTE[0] for v in values]
    hatches = ["//" if v <= 2 else ".." if v == 3 else "" for v in values]
    bars = ax.barh(labels, values, color=colours, hatch=hatches, edgecolor="black", linewidth=0.5)
    for bar, v in zip(bars, values):
        ax.text(bar.get_width() + 0.05, bar.get_y() + bar.get_height() / 2, str(v),
                va="center", fontsize=10)
    ax.set_xlim(0, 5.5)
    ax.set_xticks(range(0, 6))
    ax.set_xlabel("Score: 1 = a big problem for us, 5 = not a problem")
    ax.set_title("Barriers self-assessment")
    ax.grid(axis="y", visible=False)
    worst = min(BARRIERS, key=lambda b: (scores[b.key], BARRIER_KEYS.index(b.key)))
    alt = ("Horizontal bar chart of five barriers to using open data, each scored from 1 (a big "
           "problem) to 5 (not a problem): "
           + "; ".join(f"{b.barrier}: {scores[b.key]}" for b in BARRIERS)
           + f". The lowest score is for “{worst.barrier}”.")
    return fig, alt
