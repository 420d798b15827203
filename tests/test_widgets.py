"""Papermill-safe widgets call the function they are given, with the values shown; mistakes
show as one line (DOM classes ``toolkit-message`` / ``toolkit-error``), never a traceback;
Enter submits; displayed, every widget also gives a readable note."""
import datetime as dt
import html
import re

import pytest

from toolkit_helpers import widgets
from toolkit_helpers.errors import ToolkitError


def _classes(w):
    return set(w._dom_classes)


def _text(w):
    return html.unescape(w.value.split(">", 1)[1].rsplit("<", 1)[0]) if w.value else ""


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
    kinds = [type(c).__name__ for c in box.controls.values()]
    assert kinds == ["Text", "IntText", "FloatText", "Checkbox", "Dropdown"]
    box.controls["Count"].value = 7
    box.submit()
    assert got == [{"Name": "Libraries", "Count": 7, "Share": 0.5, "Open": True,
                    "Pattern": "access"}]


def test_form_date_field_reads_day_first_and_echoes_the_date_used():
    got = []
    box = widgets.form({"Count from (YYYY-MM-DD)": "01/04/2025"}, got.append,
                       specs={"Count from (YYYY-MM-DD)": widgets.Field(
                           kind="date", echo="Counting from {}")})
    assert box.submit() is True
    assert got == [{"Count from (YYYY-MM-DD)": dt.date(2025, 4, 1)}]
    assert MESSAGE in _classes(box.message) and ERROR not in _classes(box.message)
    assert _text(box.message) == "Counting from 1 April 2025"


MESSAGE, ERROR = widgets.MESSAGE_CLASS, widgets.ERROR_CLASS


@pytest.mark.parametrize("typed, expected", [
    ("", "Count from (YYYY-MM-DD): the date is blank — type a date, e.g. 1/4/2025 "
         "(day first), 2025-04-01 or 1 April 2025."),
    ("2030-01", "Count from (YYYY-MM-DD): '2030-01' is a month, not a full date — type "
                "the day too, e.g. 1/1/2030 or 2030-01-31."),
    ("31/02/2025", "Count from (YYYY-MM-DD): '31/02/2025' is not a real date: February 2025 "
                   "has 28 days — type a date, e.g. 1/4/2025 (day first), 2025-04-01 or 1 April "
                   "2025."),
])
def test_form_bad_date_shows_one_escaped_line_and_does_not_call(typed, expected):
    got = []
    box = widgets.form({"Count from (YYYY-MM-DD)": typed}, got.append,
                       specs={"Count from (YYYY-MM-DD)": "date"})
    assert box.submit() is False
    assert got == []
    assert {MESSAGE, ERROR} <= _classes(box.message)
    assert _text(box.message) == expected and "\n" not in box.message.value
    assert box.message.layout.display != "none"


def test_form_number_spec_refuses_out_of_range_and_shows_the_range():
    got = []
    label = "Walking distance (metres)"
    box = widgets.form({label: 800}, got.append,
                       specs={label: {"kind": "number", "min": 1, "max": 5000, "unit": "m"}})
    box.controls[label].value = "-5"
    assert box.submit() is False and got == []
    assert _text(box.message) == (f"{label}: -5 m is too small — type a number from 1 to "
                                  "5,000 m.")
    box.controls[label].value = "1,600"
    assert box.submit() is True and got == [{label: 1600.0}]
    assert ERROR not in _classes(box.message)


def test_callback_errors_are_one_line_and_unexpected_ones_fold_the_traceback():
    def cb(values):
        if values["x"] == "toolkit":
            raise ToolkitError("the file has no rows", file="a.csv", hint="add a row.")
        if values["x"] == "value":
            raise ValueError("January 2030 is not in the data (January 2018 to June 2025)")
        raise KeyError("missing")

    box = widgets.form({"x": "toolkit"}, cb)
    box.submit()
    assert _text(box.message) == "a.csv: the file has no rows — add a row."
    assert ERROR in _classes(box.message)
    box.controls["x"].value = "value"
    box.submit()
    assert _text(box.message) == "January 2030 is not in the data (January 2018 to June 2025)"
    assert box.messages.detail.value == ""
    box.controls["x"].value = "other"
    box.submit()
    assert _text(box.message).startswith("Something went wrong: KeyError: 'missing' not found")
    assert "Traceback" in box.messages.detail.value and "<details>" in box.messages.detail.value
    assert widgets.DETAIL_CLASS in _classes(box.messages.detail)
    box.controls["x"].value = "toolkit"
    box.messages.clear()
    assert ERROR not in _classes(box.message) and box.messages.detail.value == ""


def test_enter_in_a_text_box_submits():
    got = []
    box = widgets.form({"Search for": "libraries", "Count": 2}, got.append)
    box.controls["Search for"]._handle_custom_msg({"event": "submit"}, [])
    assert got == [{"Search for": "libraries", "Count": 2}]
    box.controls["Search for"]._handle_custom_msg({"event": "other"}, [])
    assert len(got) == 1


def test_single_number_box_submits_on_change():
    got = []
    box = widgets.form({"Top": 5}, got.append)
    box.controls["Top"].value = 6
    assert got == [{"Top": 6}]


def test_path_field_finds_a_project_relative_path_and_names_where_it_looked():
    got = []
    label = "File (CSV or .xlsx)"
    box = widgets.form({label: "data/sample/council/library_visits.csv"}, got.append,
                       specs={label: "path"})
    assert box.submit() is True
    assert got[0][label].name == "library_visits.csv" and got[0][label].is_file()
    assert _text(box.message) == "File: data/sample/council/library_visits.csv"
    box.controls[label].value = "data/sample/council/no_such.csv"
    assert box.submit() is False
    assert _text(box.message).startswith(f"{label}: file 'data/sample/council/no_such.csv' "
                                         "not found (looked for data/sample/council/no_such.csv")


def test_optional_fields_pass_none_when_blank():
    got = []
    box = widgets.form({"Last updated": ""}, got.append,
                       specs={"Last updated": widgets.Field(kind="date", required=False)})
    assert box.submit() is True and got == [{"Last updated": None}]


def test_specs_for_unknown_fields_or_kinds_are_refused():
    with pytest.raises(ValueError, match="does not have"):
        widgets.form({"a": ""}, print, specs={"b": "date"})
    with pytest.raises(ValueError, match="kind"):
        widgets.Field(kind="colour")


def test_sizes_are_relative_to_the_cell_and_long_labels_wrap_above():
    long = "Does the service help people find or reach something (times, places, routes)?"
    box = widgets.form({"Short": "", long: True}, print)
    short = box.controls["Short"]
    assert short.layout.width == "100%" and short.layout.max_width == widgets.MAX_WIDTH
    assert short.style.description_width.endswith("em")
    # every control keeps its own label (a tooltip alone is no label for a screen reader)
    assert box.controls[long].description == long
    assert widgets.CHECK_CLASS in _classes(box.controls[long])  # a checkbox's label wraps
    long_text = long.replace("?", " (yes or no)?")
    box = widgets.form({long_text: ""}, print)
    ctl = box.controls[long_text]
    assert ctl.description == long_text and widgets.ABOVE_CLASS in _classes(ctl)
    labels = [c for c in box.children if widgets.LABEL_CLASS in _classes(c)]
    assert len(labels) == 1 and html.escape(long_text) in labels[0].value
    assert any(f".{widgets.ABOVE_CLASS} > .widget-label" in getattr(c, "value", "")
               for c in box.children)  # the style sheet that hides the inline copy
    # a slider's label goes above it, so the slider and its value have the cell's width
    s = widgets.sliders({"a": (1, 5, 1, 3, "A")}, lambda a: a)
    assert s.controls["a"].layout.width == "100%"
    assert s.controls["a"].description == "A" and widgets.ABOVE_CLASS in _classes(s.controls["a"])


def test_displayed_widgets_give_a_readable_note_with_the_widget_view():
    box = widgets.form({"Walking distance (metres)": 800}, print,
                       description="Interactive form: type a walking distance and press Enter.")
    data = box._repr_mimebundle_()
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == box.model_id
    assert data["text/plain"] == ("Interactive form: type a walking distance and press Enter. "
                                  + widgets.NOT_RUNNING)
    assert "VBox" not in data["text/plain"] and "Run the notebook" in data["text/html"]
    default = widgets.form({"Search for": "x"}, print, submit_label="Search")._repr_mimebundle_()
    assert default["text/plain"].startswith("Interactive form (Search for): fill it in, then "
                                            "press Enter or click “Search”.")
    long = widgets.form({"Does the service help people find or reach something?": True,
                         "Is the service delivered through suppliers or partners?": False},
                        print, submit_label="Which patterns?")._repr_mimebundle_()
    assert long["text/plain"].startswith("Interactive form (2 questions): fill it in, then "
                                         "click “Which patterns?”.")
    s = widgets.sliders({"a": (1, 5, 1, 3, "A")}, lambda a: a)._repr_mimebundle_()
    assert s["text/plain"].startswith("Interactive sliders (A)")


def test_sliders_show_initial_result_in_the_widget_and_the_note():
    import pandas as pd

    box = widgets.sliders({"a": (1, 5, 1, 3, "A")},
                          lambda a: pd.DataFrame({"a": [a], "double": [2 * a]}),
                          show_initial=True)
    (first,) = box.output.outputs
    cell = re.compile(r"<td[^>]*>6</td>")
    assert cell.search(first["data"]["text/html"])
    assert "toolkit-table" in first["data"]["text/html"]  # the collection's readable table
    assert cell.search(box._repr_mimebundle_()["text/html"])


def test_slider_errors_are_one_line():
    def fn(a):
        raise ToolkitError("no options", hint="add one.")

    box = widgets.sliders({"a": (1, 5, 1, 3, "A")}, fn)
    box.controls["a"].value = 4
    assert _text(box.message) == "no options — add one." and ERROR in _classes(box.message)


def test_file_upload_runs_the_callback_with_bytes_and_shows_errors():
    got = []

    def on_upload(files):
        got.extend(files)
        if files[0]["name"] == "bad.csv":
            raise ToolkitError("the file is empty", file="bad.csv", hint="add rows.")

    box = widgets.file_upload(on_upload, description="Upload a spreadsheet to score it.")
    assert box.handle([{"name": "ok.csv", "content": memoryview(b"a,b\n1,2\n")}]) is True
    assert got[0]["content"] == b"a,b\n1,2\n"
    assert _text(box.message) == "Uploaded: ok.csv"
    assert box.handle([{"name": "bad.csv", "content": b""}]) is False
    assert _text(box.message) == "bad.csv: the file is empty — add rows."
    data = box._repr_mimebundle_()
    assert data["text/plain"].startswith("Upload a spreadsheet to score it. Run the notebook")
    assert box.upload.accept == ".csv,.tsv,.txt,.xlsx,.xlsm"


def test_text_and_table_bundles_both():
    import pandas as pd

    data = widgets.text_and_table("**Option**: fine", pd.DataFrame({"x": [1]}))._repr_mimebundle_()
    assert data["text/html"].startswith("<p><strong>Option</strong>: fine</p>")
    assert "Option: fine" in data["text/plain"]
