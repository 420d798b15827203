"""Papermill-safe widgets call the function they are given, with the values shown."""
from toolkit_helpers import widgets


def test_sliders_call_fn_with_current_values_only_on_change():
    calls = []
    box = widgets.sliders({"a": (1, 5, 1, 3, "A"), "rate": (0.0, 1.0, 0.1, 0.5)},
                          lambda **kw: calls.append(kw))
    assert calls == []  # nothing runs at build time (no front end under papermill)
    box.controls["a"].value = 5
    assert calls == [{"a": 5, "rate": 0.5}]
    box.controls["rate"].value = 0.2
    assert calls[-1] == {"a": 5, "rate": 0.2}
    assert box.controls["a"].description == "A"
    assert type(box.controls["rate"]).__name__ == "FloatSlider"


def test_form_builds_controls_by_type_and_submits_values():
    got = []
    box = widgets.form({"Name": "Libraries", "Count": 3, "Share": 0.5, "Open": True,
                        "Pattern": ["access", "delivery"]}, got.append)
    kinds = [type(c).__name__ for c in box.children[:5]]
    assert kinds == ["Text", "IntText", "FloatText", "Checkbox", "Dropdown"]
    box.children[1].value = 7
    box.submit()
    assert got == [{"Name": "Libraries", "Count": 7, "Share": 0.5, "Open": True,
                    "Pattern": "access"}]
