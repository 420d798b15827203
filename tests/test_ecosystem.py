"""Ecosystem maps: reading YAML and CSV, validation messages, the four checks by hand, the
layout by role columns, the figure's legend and alt text, current vs target."""
import pytest

from toolkit_helpers import ecosystem as eco
from toolkit_helpers.errors import DataFileError

GOOD = """name: Demo
actors:
  - {id: council, name: The council, roles: [steward, reuser]}
  - {id: portal, name: Open data page, roles: [intermediary]}
  - {id: apps, name: App makers, roles: [reuser]}
  - {id: people, name: Residents, roles: [beneficiary]}
flows:
  - {from: council, to: portal, type: data, label: opening hours}
  - {from: portal, to: apps, type: data}
  - {from: apps, to: people, type: service, label: a map}
  - {from: people, to: council, type: intangible, label: feedback}
"""


def load(tmp_path, text, name="m.yaml"):
    p = tmp_path / name
    p.write_text(text)
    return eco.load_map(p)


def test_a_good_map_has_no_problems(tmp_path):
    m = load(tmp_path, GOOD)
    assert [a.id for a in m.actors] == ["council", "portal", "apps", "people"]
    assert m.actor("council").roles == ["steward", "reuser"]
    assert eco.check_map(m) == []


def test_no_beneficiary_and_no_steward(tmp_path):
    m = load(tmp_path, "actors:\n  - {id: a, roles: [reuser]}\n  - {id: b, roles: [contributor]}\n"
                       "flows:\n  - {from: b, to: a, type: data}\n")
    assert {p.check for p in eco.check_map(m)} == {"no_beneficiary", "no_steward"}


def test_actor_without_flows(tmp_path):
    m = load(tmp_path, GOOD.replace("flows:", "  - {id: bus, name: Bus firm, roles: [contributor]}\nflows:"))
    probs = eco.check_map(m)
    assert [(p.check, p.actor) for p in probs] == [("actor_without_flows", "bus")]


def test_data_that_reaches_no_one(tmp_path):
    text = """actors:
  - {id: lib, name: Libraries, roles: [steward]}
  - {id: perf, name: Performance team, roles: [intermediary]}
  - {id: people, name: Residents, roles: [beneficiary]}
flows:
  - {from: lib, to: perf, type: data, label: visits}
  - {from: lib, to: people, type: service}
"""
    probs = eco.check_map(load(tmp_path, text))
    assert [(p.check, p.actor) for p in probs] == [("data_reaches_no_one", "lib"),
                                                  ("data_reaches_no_one", "perf")]
    # once the performance team passes the data on to residents, nothing is flagged
    fixed = text + "  - {from: perf, to: people, type: data, label: dashboard}\n"
    assert eco.check_map(load(tmp_path, fixed)) == []


def test_validation_messages_name_item_and_field(tmp_path):
    with pytest.raises(DataFileError, match="'publisher' is not a role") as e:
        load(tmp_path, "actors:\n  - {id: a, roles: [steward]}\n  - {id: b, roles: [publisher]}\n")
    assert (e.value.row, e.value.column) == (2, "roles")
    with pytest.raises(DataFileError, match="did you mean 'council'") as e:
        load(tmp_path, GOOD + "  - {from: councill, to: apps, type: data}\n")
    assert (e.value.row, e.value.column) == (5, "from")
    with pytest.raises(DataFileError, match="flow type 'gossip'") as e:
        load(tmp_path, GOOD + "  - {from: council, to: apps, type: gossip}\n")
    assert e.value.column == "type"
    with pytest.raises(DataFileError, match="two actors have the id"):
        load(tmp_path, "actors:\n  - {id: a, roles: [steward]}\n  - {id: a, roles: [reuser]}\n")
    with pytest.raises(DataFileError, match="no role"):
        load(tmp_path, "actors:\n  - {id: a, roles: []}\n")


def test_csv_map(tmp_path):
    text = ("kind,id,name,roles,from,to,type,label\n"
            "actor,lib,Libraries,steward;reuser,,,,\n"
            "actor,people,Residents,beneficiary,,,,\n"
            "flow,,,,lib,people,data,opening hours\n")
    m = load(tmp_path, text, "m.csv")
    assert m.actor("lib").roles == ["steward", "reuser"]
    assert [(f.source, f.target, f.type) for f in m.flows] == [("lib", "people", "data")]
    assert eco.check_map(m) == []
    with pytest.raises(DataFileError, match="kind is 'flw'") as e:
        load(tmp_path, text + "flw,,,,lib,people,data,x\n", "m.csv")
    assert (e.value.row, e.value.column) == (5, "kind")
    with pytest.raises(DataFileError, match="not an actor") as e:
        load(tmp_path, text + "flow,,,,lib,nobody,data,x\n", "m.csv")
    assert (e.value.row, e.value.column) == (5, "to")


def test_layout_columns_by_first_role(tmp_path):
    pos = eco.layout(load(tmp_path, GOOD))
    # used role columns in order: steward 0, intermediary 1, reuser 2, beneficiary 3
    assert pos["council"] == (0, 0.0) and pos["portal"] == (1, 0.0)
    assert pos["apps"] == (2, 0.0) and pos["people"] == (3, 0.0)


def test_figures_have_legend_line_styles_and_alt_text(tmp_path):
    m = load(tmp_path, GOOD)
    fig, alt = eco.map_figure(m)
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == list(eco.FLOW_TYPES)
    styles = {line.get_linestyle() for line in legend.get_lines()}
    assert len(styles) == 4  # line styles differ: meaning never rests on colour alone
    assert "4 actors and 4 flows" in alt and "Stewards" not in alt and "Steward: The council" in alt
    assert "2 data, 1 service, 1 intangible" in alt and "none failed" in alt
    target = load(tmp_path, GOOD.replace("Demo", "Target"), "t.yaml")
    fig, alt = eco.compare_figure(m, target)
    assert len(fig.axes) == 2 and "Below, the target" in alt


def test_compare_table(tmp_path):
    cur = load(tmp_path, GOOD)
    tgt = load(tmp_path, GOOD + "  - {from: council, to: people, type: money, label: grants}\n", "t.yaml")
    t = eco.compare_table(cur, tgt).set_index("what")
    assert t.loc["flows: money", "current"] == 0 and t.loc["flows: money", "target"] == 1
    assert t.loc["flows: money", "change"] == 1 and t.loc["actors: reuser", "change"] == 0


def test_shipped_maps(project_root):
    for name in ("tfl", "spend_network", "dwp"):
        m = eco.load_map(project_root / "data/sample/ecosystems" / f"{name}.yaml")
        assert eco.check_map(m) == [], name
        assert m.with_role("steward") and m.with_role("beneficiary")
    cur = eco.load_map(project_root / "data/sample/council/ecosystem_current.yaml")
    tgt = eco.load_map(project_root / "data/sample/council/ecosystem_target.yaml")
    assert {p.check for p in eco.check_map(cur)} == {"actor_without_flows", "data_reaches_no_one"}
    assert eco.check_map(tgt) == []


def test_add_flow_and_yaml_round_trip(tmp_path):
    m = load(tmp_path, GOOD.replace("flows:", "  - {id: bus, name: Bus firm, roles: [contributor]}\nflows:"))
    assert [p.check for p in eco.check_map(m)] == ["actor_without_flows"]
    m2 = eco.add_flow(m, "Bus firm", "portal", "data", "stop times")  # by name or by id
    assert eco.check_map(m2) == [] and len(m.flows) == 4 and len(m2.flows) == 5
    with pytest.raises(DataFileError, match="not an actor"):
        eco.add_flow(m, "nobody", "portal", "data")
    p = tmp_path / "round.yaml"
    p.write_text(eco.to_yaml(m2))
    back = eco.load_map(p)
    assert [(a.id, a.name, a.roles) for a in back.actors] == [(a.id, a.name, a.roles) for a in m2.actors]
    assert [(f.source, f.target, f.type, f.label) for f in back.flows] == \
        [(f.source, f.target, f.type, f.label) for f in m2.flows]
