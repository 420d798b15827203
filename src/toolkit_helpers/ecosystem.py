"""Ecosystem maps (ODI): who holds, contributes, reuses and benefits from data, and what flows.

A map is machine-readable — YAML::

    name: Anytown libraries (current)
    actors:
      - {id: libraries, name: Libraries service, roles: [steward]}
      - {id: residents, name: Residents, roles: [beneficiary]}
    flows:
      - {from: libraries, to: residents, type: service, label: opening times on posters}

or one CSV with a ``kind`` column (``actor`` rows: ``id, name, roles`` with roles separated by
``;``; ``flow`` rows: ``from, to, type, label``).

Roles: steward, contributor, reuser, beneficiary, intermediary (an actor may hold several).
Flows: data, money, service, intangible (expertise, insight, feedback).

:func:`check_map` flags a map with no beneficiary, no steward, an actor with no flows, or data
that reaches no one; :func:`map_figure` draws it (actors in columns by role, flows as arrows
whose **line style** says the kind of flow, a legend, alt text written from the map), and
:func:`compare_figure` puts the current and target states one above the other.
"""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataFileError
from .io import read_yaml

ROLES = ("steward", "contributor", "intermediary", "reuser", "beneficiary")
FLOW_TYPES = ("data", "money", "service", "intangible")
PLURAL = {"steward": "stewards", "contributor": "contributors", "intermediary": "intermediaries",
          "reuser": "reusers", "beneficiary": "beneficiaries"}
FLOW_STYLE = {  # line style first, so the kind of flow never rests on colour alone
    "data": {"linestyle": "-", "color": "#0072B2", "lw": 2.0},
    "money": {"linestyle": "--", "color": "#E69F00", "lw": 1.8},
    "service": {"linestyle": "-.", "color": "#009E73", "lw": 1.8},
    "intangible": {"linestyle": ":", "color": "#CC79A7", "lw": 2.0},
}


@dataclass
class Actor:
    id: str
    name: str
    roles: list[str]
    note: str = ""


@dataclass
class Flow:
    source: str
    target: str
    type: str
    label: str = ""


@dataclass
class EcosystemMap:
    name: str
    actors: list[Actor]
    flows: list[Flow]
    file: str | None = None
    state: str = ""

    def actor(self, actor_id: str) -> Actor:
        return next(a for a in self.actors if a.id == actor_id)

    def with_role(self, role: str) -> list[Actor]:
        return [a for a in self.actors if role in a.roles]


@dataclass
class Problem:
    check: str
    actor: str
    message: str
    meta: dict = field(default_factory=dict)


# ------------------------------------------------------------------ reading
def _roles(value, file, row, column="roles") -> list[str]:
    if isinstance(value, str):
        value = [v for v in value.replace(",", ";").split(";")]
    if not isinstance(value, list):
        raise DataFileError(f"roles must be a list, not {value!r}", file=file, row=row, column=column,
                            hint=f"roles are any of {', '.join(ROLES)}.")
    out = []
    for v in value:
        r = str(v).strip().lower()
        if not r:
            continue
        if r in ("aggregator",):
            r = "intermediary"
        if r.endswith("s") and r[:-1] in ROLES:
            r = r[:-1]
        if r not in ROLES:
            close = difflib.get_close_matches(r, ROLES, n=1)
            raise DataFileError(f"{v!r} is not a role" + (f" (did you mean {close[0]!r}?)" if close else ""),
                                file=file, row=row, column=column,
                                hint=f"roles are {', '.join(ROLES)} (several allowed).")
        if r not in out:
            out.append(r)
    if not out:
        raise DataFileError("an actor with no role", file=file, row=row, column=column,
                            hint=f"give it one or more of {', '.join(ROLES)}.")
    return out


def map_from_dict(data, file=None, name: str | None = None) -> EcosystemMap:
    """Validate a map given as a mapping with ``actors`` and ``flows`` lists."""
    if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
        raise DataFileError("an ecosystem map needs an 'actors' list (and a 'flows' list)",
                            file=file, hint="see data/sample/council/ecosystem_current.yaml.")
    actors: list[Actor] = []
    ids = set()
    for i, a in enumerate(data["actors"], start=1):
        if not isinstance(a, dict):
            raise DataFileError(f"actor {i} is not a mapping", file=file, row=i, column="actors",
                                hint="write each actor as '- {id: …, name: …, roles: […]}'.")
        aid = str(a.get("id") or a.get("name") or "").strip()
        if not aid:
            raise DataFileError(f"actor {i} has no id or name", file=file, row=i, column="id",
                                hint="give every actor a short id.")
        if aid in ids:
            raise DataFileError(f"two actors have the id {aid!r}", file=file, row=i, column="id",
                                hint="ids must be unique.")
        ids.add(aid)
        actors.append(Actor(aid, str(a.get("name") or aid).strip(),
                            _roles(a.get("roles", a.get("role", [])), file, i),
                            str(a.get("note") or "").strip()))
    flows: list[Flow] = []
    for i, f in enumerate(data.get("flows") or [], start=1):
        if not isinstance(f, dict):
            raise DataFileError(f"flow {i} is not a mapping", file=file, row=i, column="flows",
                                hint="write each flow as '- {from: …, to: …, type: data}'.")
        flows.append(_flow(f.get("from"), f.get("to"), f.get("type"), f.get("label"), ids, file, i))
    return EcosystemMap(str(data.get("name") or name or (Path(file).stem if file else "ecosystem")),
                        actors, flows, str(file) if file else None, str(data.get("state") or ""))


def _flow(src, dst, typ, label, ids, file, row) -> Flow:
    for col, v in (("from", src), ("to", dst)):
        v = str(v or "").strip()
        if v not in ids:
            close = difflib.get_close_matches(v, sorted(ids), n=1)
            raise DataFileError(f"flow '{col}' names {v!r}, which is not an actor"
                                + (f" (did you mean {close[0]!r}?)" if close else ""),
                                file=file, row=row, column=col,
                                hint="every flow goes from one listed actor id to another.")
    t = str(typ or "").strip().lower()
    t = {"value": "intangible", "insight": "intangible", "feedback": "intangible",
         "expertise": "intangible", "services": "service", "funding": "money"}.get(t, t)
    if t not in FLOW_TYPES:
        raise DataFileError(f"flow type {typ!r} is not known", file=file, row=row, column="type",
                            hint=f"flow types are {', '.join(FLOW_TYPES)}.")
    if str(src).strip() == str(dst).strip():
        raise DataFileError("a flow from an actor to itself", file=file, row=row, column="to",
                            hint="flows go between two different actors.")
    return Flow(str(src).strip(), str(dst).strip(), t, str(label or "").strip())


def _map_from_csv(path: Path) -> EcosystemMap:
    from .io import is_blank_row, normalise_header, read_csv_rows

    rows = read_csv_rows(path)
    numbered = [(i, r) for i, r in enumerate(rows, start=1) if not is_blank_row(r)]
    if not numbered:
        raise DataFileError("the file is empty", file=path, hint="see the module docs for the layout.")
    hline, header = numbered[0]
    cols = {normalise_header(h): j for j, h in enumerate(header)}
    if "kind" not in cols:
        raise DataFileError("no 'kind' column", file=path, row=hline,
                            hint="columns: kind (actor or flow), id, name, roles, from, to, type, label.")

    def get(r, c):
        j = cols.get(c)
        return r[j].strip() if j is not None and j < len(r) else ""

    actors, flows = [], []
    for line, r in numbered[1:]:
        kind = get(r, "kind").lower()
        if kind == "actor":
            actors.append((line, {"id": get(r, "id"), "name": get(r, "name"),
                                  "roles": get(r, "roles"), "note": get(r, "note")}))
        elif kind == "flow":
            flows.append((line, {"from": get(r, "from"), "to": get(r, "to"),
                                 "type": get(r, "type"), "label": get(r, "label")}))
        else:
            raise DataFileError(f"kind is {get(r, 'kind')!r}", file=path, row=line, column="kind",
                                hint="write 'actor' or 'flow'.")
    m = map_from_dict({"actors": [a for _, a in actors], "flows": []}, file=path)
    ids = {a.id for a in m.actors}
    m.flows = [_flow(f["from"], f["to"], f["type"], f["label"], ids, path, line) for line, f in flows]
    return m


def load_map(path: str | os.PathLike) -> EcosystemMap:
    """An ecosystem map from YAML or CSV, validated (roles, flow types, actor ids)."""
    path = Path(path)
    if not path.exists():
        raise DataFileError("file not found", file=path,
                            hint="check data.ecosystem / data.ecosystem_target in the config.")
    if path.suffix.lower() == ".csv":
        return _map_from_csv(path)
    data, _ = read_yaml(path)
    return map_from_dict(data, file=path)


# ------------------------------------------------------------------ checks
def check_map(m: EcosystemMap) -> list[Problem]:
    """What is missing or broken in a map:

    - ``no_beneficiary`` — nobody benefits: who is the data for?
    - ``no_steward`` — nobody looks after the data;
    - ``actor_without_flows`` — an actor nothing flows to or from;
    - ``data_reaches_no_one`` — a steward whose data, followed along data flows, reaches no
      reuser or beneficiary; or a data flow that ends at an actor who neither uses it (reuser,
      beneficiary) nor passes anything on.
    """
    out: list[Problem] = []
    if not m.with_role("beneficiary"):
        out.append(Problem("no_beneficiary", "", "no actor is a beneficiary: say who gains "
                           "(residents, service users, the council's budget)"))
    if not m.with_role("steward"):
        out.append(Problem("no_steward", "", "no actor is a steward: name who looks after the data"))
    touched = {f.source for f in m.flows} | {f.target for f in m.flows}
    for a in m.actors:
        if a.id not in touched:
            out.append(Problem("actor_without_flows", a.id,
                               f"{a.name} has no flows: connect it, or leave it off the map"))
    users = {a.id for a in m.actors if {"reuser", "beneficiary"} & set(a.roles)}
    outgoing = {f.source for f in m.flows}
    for s in m.with_role("steward"):
        seen, todo = set(), [s.id]
        while todo:
            cur = todo.pop()
            for f in m.flows:
                if f.type == "data" and f.source == cur and f.target not in seen:
                    seen.add(f.target)
                    todo.append(f.target)
        if not (seen & users):
            out.append(Problem("data_reaches_no_one", s.id,
                               f"{s.name}'s data reaches no reuser or beneficiary"
                               + (" (it has no outgoing data flows)" if not seen else "")))
    for f in m.flows:
        if f.type == "data" and f.target not in users and f.target not in outgoing:
            out.append(Problem("data_reaches_no_one", f.target,
                               f"data from {m.actor(f.source).name} to {m.actor(f.target).name} "
                               "stops there: nobody uses it or receives anything onwards",
                               {"from": f.source, "to": f.target}))
    return out


def problems_table(problems: list[Problem]):
    import pandas as pd

    return pd.DataFrame([{"check": p.check, "actor": p.actor, "message": p.message}
                         for p in problems], columns=["check", "actor", "message"])


def actors_table(m: EcosystemMap):
    import pandas as pd

    return pd.DataFrame([{"id": a.id, "actor": a.name, "roles": ", ".join(a.roles),
                          "flows out": sum(1 for f in m.flows if f.source == a.id),
                          "flows in": sum(1 for f in m.flows if f.target == a.id)}
                         for a in m.actors])


def flows_table(m: EcosystemMap):
    import pandas as pd

    names = {a.id: a.name for a in m.actors}
    return pd.DataFrame([{"from": names[f.source], "to": names[f.target], "type": f.type,
                          "what": f.label} for f in m.flows], columns=["from", "to", "type", "what"])


def compare_table(current: EcosystemMap, target: EcosystemMap):
    """Counts by role and by flow type, current vs target, and the change."""
    import pandas as pd

    rows = []
    for r in ROLES:
        rows.append({"what": f"actors: {r}", "current": len(current.with_role(r)),
                     "target": len(target.with_role(r))})
    for t in FLOW_TYPES:
        rows.append({"what": f"flows: {t}", "current": sum(f.type == t for f in current.flows),
                     "target": sum(f.type == t for f in target.flows)})
    rows.append({"what": "problems found", "current": len(check_map(current)),
                 "target": len(check_map(target))})
    df = pd.DataFrame(rows)
    df["change"] = df["target"] - df["current"]
    return df


# ------------------------------------------------------------------ drawing
def layout(m: EcosystemMap) -> dict[str, tuple[float, float]]:
    """Positions: one column per role (steward → contributor → intermediary → reuser →
    beneficiary, by each actor's first role), actors spread evenly down their column."""
    cols: dict[str, list[Actor]] = {r: [] for r in ROLES}
    for a in m.actors:
        cols[a.roles[0]].append(a)
    used = [r for r in ROLES if cols[r]]
    pos = {}
    for ci, r in enumerate(used):
        n = len(cols[r])
        for k, a in enumerate(cols[r]):
            pos[a.id] = (ci, (n - 1) / 2 - k)
    return pos


def _draw(ax, m: EcosystemMap, title: str | None = None) -> None:
    import textwrap

    from matplotlib.lines import Line2D

    pos = layout(m)
    used = sorted({a.roles[0] for a in m.actors}, key=ROLES.index)
    ys = [y for _, y in pos.values()] or [0]
    for ci, r in enumerate(used):
        ax.text(ci, max(ys) + 0.85, PLURAL[r].capitalize(),
                ha="center", va="bottom", fontsize=10, fontweight="bold", color="#333333")
    flagged = {p.actor for p in check_map(m) if p.actor}
    boxes = {}
    for a in m.actors:
        x, y = pos[a.id]
        label = textwrap.fill(a.name, 16)
        if len(a.roles) > 1:
            label += "\n(" + ", ".join(a.roles) + ")"
        if a.id in flagged:  # a thick dashed border and words, not colour alone
            label += "\n[see checks]"
        boxes[a.id] = ax.text(x, y, label, ha="center", va="center", fontsize=10, zorder=3,
                              bbox={"boxstyle": "round,pad=0.4", "facecolor": "white",
                                    "edgecolor": "#D55E00" if a.id in flagged else "#333333",
                                    "linestyle": "--" if a.id in flagged else "-",
                                    "linewidth": 2 if a.id in flagged else 1})
    pair_count: dict[tuple, int] = {}
    for f in m.flows:
        (x1, y1), (x2, y2) = pos[f.source], pos[f.target]
        key = tuple(sorted((f.source, f.target)))
        k = pair_count.get(key, 0)
        pair_count[key] = k + 1
        rad = 0.15 + 0.12 * k if x1 != x2 or k else 0.15
        if x1 == x2:
            rad = 0.5 + 0.1 * k
        st = FLOW_STYLE[f.type]
        ax.annotate("", xy=(x2, y2), xytext=(x1, y1),
                    arrowprops={"arrowstyle": "-|>", "linestyle": st["linestyle"],
                                "color": st["color"], "lw": st["lw"], "shrinkA": 3, "shrinkB": 3,
                                "patchA": boxes[f.source].get_bbox_patch(),
                                "patchB": boxes[f.target].get_bbox_patch(),
                                "connectionstyle": f"arc3,rad={rad}", "mutation_scale": 14},
                    zorder=2)
    ax.set_xlim(-0.6, max(len(used) - 0.4, 0.6))
    ax.set_ylim(min(ys) - 0.8, max(ys) + 1.2)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    ax.legend(handles=[Line2D([], [], linestyle=FLOW_STYLE[t]["linestyle"],
                              color=FLOW_STYLE[t]["color"], lw=FLOW_STYLE[t]["lw"], label=t)
                       for t in FLOW_TYPES],
              loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4, frameon=False,
              title="Flows (arrow shows direction)", fontsize=9)


def describe(m: EcosystemMap) -> str:
    """The map in words (for alt text and the business case)."""
    parts = [f"{m.name}: {len(m.actors)} actors and {len(m.flows)} flows."]
    for r in ROLES:
        who = m.with_role(r)
        if who:
            parts.append(f"{(PLURAL[r] if len(who) > 1 else r).capitalize()}: "
                         + ", ".join(a.name for a in who) + ".")
    counts = [f"{sum(f.type == t for f in m.flows)} {t}" for t in FLOW_TYPES
              if any(f.type == t for f in m.flows)]
    if counts:
        parts.append("Flows: " + ", ".join(counts) + ".")
    probs = check_map(m)
    parts.append("Checks: " + ("none failed." if not probs else
                               "; ".join(p.message for p in probs) + "."))
    return " ".join(parts)


def map_figure(m: EcosystemMap, title: str | None = None):
    """One map as a figure. Returns ``(fig, alt)``."""
    from .charts import new_figure

    n = max((sum(1 for a in m.actors if a.roles[0] == r) for r in ROLES), default=1)
    fig, ax = new_figure(figsize=(10, 1.2 * n + 2.4))
    _draw(ax, m, title or m.name)
    return fig, "Ecosystem map with actors in columns by role and arrows for flows. " + describe(m)


def compare_figure(current: EcosystemMap, target: EcosystemMap):
    """Current and target state, one above the other. Returns ``(fig, alt)``."""
    from .charts import new_figure

    n = max((sum(1 for a in mm.actors if a.roles[0] == r) for mm in (current, target) for r in ROLES),
            default=1)
    # one above the other, not side by side: a 15-inch-wide pair is shrunk to the cell's width
    # and its labels become unreadably small (worse at 200% zoom)
    fig, axes = new_figure(2, 1, figsize=(10, 2 * (1.2 * n + 2.6)))
    _draw(axes[0], current, f"Now: {current.name}")
    _draw(axes[1], target, f"Target: {target.name}")
    alt = ("Two ecosystem maps, one above the other, actors in columns by role, arrows for flows "
           "(solid data, dashed money, dash-dot service, dotted intangible). Above, now — "
           + describe(current) + " Below, the target — " + describe(target))
    return fig, alt


# ------------------------------------------------------------------ editing
def add_flow(m: EcosystemMap, source: str, target: str, type: str, label: str = "") -> EcosystemMap:
    """A copy of the map with one more flow (validated like a file's flows: actor ids by id or
    name, a known flow type)."""
    by_name = {a.name: a.id for a in m.actors}
    ids = {a.id for a in m.actors}
    src, dst = by_name.get(source, source), by_name.get(target, target)
    flow = _flow(src, dst, type, label, ids, m.file, len(m.flows) + 1)
    return EcosystemMap(m.name, list(m.actors), [*m.flows, flow], m.file, m.state)


def to_yaml(m: EcosystemMap) -> str:
    """The map as YAML in the toolkit's layout (reads back with :func:`load_map`)."""
    import json

    q = json.dumps
    lines = [f"name: {q(m.name)}"] + ([f"state: {m.state}"] if m.state else []) + ["actors:"]
    for a in m.actors:
        lines.append(f"  - {{id: {q(a.id)}, name: {q(a.name)}, roles: [{', '.join(a.roles)}]}}")
    lines.append("flows:" if m.flows else "flows: []")
    for f in m.flows:
        lines.append(f"  - {{from: {q(f.source)}, to: {q(f.target)}, type: {f.type}, "
                     f"label: {q(f.label)}}}")
    return "\n".join(lines) + "\n"
