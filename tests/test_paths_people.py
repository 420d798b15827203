"""What people type: dates read day first, months, numbers with a range; file paths as
JupyterLab's Copy Path gives them (project-relative), notebook-relative or absolute."""
import datetime as dt
import os

import pytest

from toolkit_helpers import paths, people
from toolkit_helpers.errors import ToolkitError


@pytest.mark.parametrize("typed, expected", [
    ("01/04/2025", dt.date(2025, 4, 1)),      # day first, as the UK writes it
    ("1/4/2025", dt.date(2025, 4, 1)),
    ("01-04-2025", dt.date(2025, 4, 1)),
    ("1.4.25", dt.date(2025, 4, 1)),
    ("2025-04-01", dt.date(2025, 4, 1)),      # ISO
    ("2025-04-01T09:30", dt.date(2025, 4, 1)),
    ("1 April 2025", dt.date(2025, 4, 1)),
    ("1 Apr 2025", dt.date(2025, 4, 1)),
    ("1st Sept 2025", dt.date(2025, 9, 1)),
    ("April 1, 2025", dt.date(2025, 4, 1)),
    ("  29/02/2024 ", dt.date(2024, 2, 29)),
    (dt.datetime(2025, 4, 1, 12), dt.date(2025, 4, 1)),
])
def test_parse_date_reads_what_people_type(typed, expected):
    assert people.parse_date(typed) == expected


@pytest.mark.parametrize("typed, message", [
    ("", "the date is blank — type a date, e.g. 1/4/2025 (day first), 2025-04-01 or "
         "1 April 2025."),
    ("   ", "the date is blank"),
    ("2030-01", "'2030-01' is a month, not a full date — type the day too, e.g. 1/1/2030 or "
                "2030-01-31."),
    ("January 2030", "'January 2030' is a month, not a full date"),
    ("2025", "'2025' is a year, not a full date"),
    ("31/02/2025", "'31/02/2025' is not a real date: February 2025 has 28 days"),
    ("29/02/2025", "'29/02/2025' is not a real date: February 2025 has 28 days"),
    ("04/13/2025", "'04/13/2025' is not a date: there is no month 13 — type the day first, "
                   "e.g. 13/04/2025."),
    ("soon", "'soon' is not a date — type a date"),
])
def test_parse_date_refuses_with_one_line_saying_what_to_type(typed, message):
    with pytest.raises(ToolkitError) as got:
        people.parse_date(typed)
    text = people.one_line(got.value)
    assert text.startswith(message) and "\n" not in text


def test_format_date_and_month_are_unambiguous():
    assert people.format_date(dt.date(2025, 4, 1)) == "1 April 2025"
    assert people.format_date("01/04/2025") == "1 April 2025"
    assert people.format_month("2030-01") == "January 2030"


@pytest.mark.parametrize("typed, expected", [
    ("2030-01", dt.date(2030, 1, 1)), ("January 2030", dt.date(2030, 1, 1)),
    ("Jan 2030", dt.date(2030, 1, 1)), ("01/2030", dt.date(2030, 1, 1)),
    ("15/04/2025", dt.date(2025, 4, 1)), (dt.date(2025, 4, 15), dt.date(2025, 4, 1)),
])
def test_parse_month(typed, expected):
    assert people.parse_month(typed) == expected


@pytest.mark.parametrize("typed, message", [
    ("", "the month is blank — type a month, e.g. 2025-04, April 2025 or 04/2025."),
    ("2030-13", "'2030-13' is not a month: there is no month 13"),
    ("later", "'later' is not a month"),
])
def test_parse_month_refuses(typed, message):
    with pytest.raises(ToolkitError) as got:
        people.parse_month(typed)
    assert people.one_line(got.value).startswith(message)


def test_parse_number_with_unit_and_range():
    kw = {"what": "walking distance", "minimum": 1, "maximum": 5000, "unit": "m"}
    assert people.parse_number("800", **kw) == 800.0
    assert people.parse_number("1,600 m", **kw) == 1600.0
    assert people.parse_number(" 12 ", integer=True) == 12
    for typed, message in [("-5", "-5 m is too small — type a number from 1 to 5,000 m."),
                           ("−5", "-5 m is too small"),
                           ("6000", "6,000 m is too large"),
                           ("abc", "'abc' is not a number (in m)"),
                           ("5 km", "'5 km' is not a number (in m)"),
                           ("", "the walking distance is blank")]:
        with pytest.raises(ToolkitError) as got:
            people.parse_number(typed, **kw)
        assert people.one_line(got.value).startswith(message), typed
    with pytest.raises(ToolkitError, match="whole number"):
        people.parse_number("2.5", integer=True)


def test_one_line_flattens_a_toolkit_error():
    exc = ToolkitError("no rows", file="a.csv", row=3, hint="add one.")
    assert people.one_line(exc) == "a.csv, row 3: no rows — add one."
    assert people.one_line(ValueError("a\nb")) == "a b"


# ------------------------------------------------------------------ paths

@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "toolkit"
    for d in ("councils", "notebooks/stages", "data/sample"):
        (root / d).mkdir(parents=True)
    (root / "data/sample/visits.csv").write_text("a\n1\n")
    (root / "notebooks/stages/local.csv").write_text("a\n1\n")
    monkeypatch.setenv("TOOLKIT_ROOT", str(root))
    monkeypatch.chdir(root / "notebooks/stages")  # JupyterLab runs in the notebook's folder
    return root


def test_find_user_file_reads_copy_path_notebook_relative_and_absolute(project):
    want = (project / "data/sample/visits.csv").resolve()
    assert paths.find_user_file("data/sample/visits.csv") == want          # Copy Path
    assert paths.find_user_file("../../data/sample/visits.csv") == want    # notebook-relative
    assert paths.find_user_file(str(want)) == want                         # absolute
    assert paths.find_user_file(' "data/sample/visits.csv" ') == want      # pasted in quotes
    assert paths.find_user_file("file://" + str(want)) == want
    assert paths.find_user_file("local.csv") == (project / "notebooks/stages/local.csv").resolve()


def test_find_user_file_names_where_it_looked_project_relative(project):
    with pytest.raises(ToolkitError) as got:
        paths.find_user_file("data/sample/nope.csv")
    text = people.one_line(got.value)
    assert text.startswith("file 'data/sample/nope.csv' not found (looked for "
                           "data/sample/nope.csv, notebooks/stages/data/sample/nope.csv)")
    assert str(project) not in text
    with pytest.raises(ToolkitError, match="is a folder, not a file"):
        paths.find_user_file("data/sample")
    with pytest.raises(ToolkitError, match="no file given"):
        paths.find_user_file("  ")


def test_find_user_file_also_searches_a_given_notebook_folder(project, monkeypatch):
    monkeypatch.chdir(project)  # e.g. papermill run from the project folder
    got = paths.find_user_file("local.csv", notebook_dir=project / "notebooks/stages")
    assert got == (project / "notebooks/stages/local.csv").resolve()


def test_shown_path_is_project_relative_inside_the_project(project, tmp_path):
    assert paths.shown_path(project / "data/sample/visits.csv") == "data/sample/visits.csv"
    outside = tmp_path / "elsewhere.csv"
    assert paths.shown_path(outside) == str(outside)
    assert os.path.isabs(paths.shown_path(outside))
