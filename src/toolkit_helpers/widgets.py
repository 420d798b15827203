"""Papermill-safe widgets: forms and sliders that drive the same functions as the
non-interactive path.

Rule for every notebook: compute the result from the parameter values first (that is what
papermill and nbval see), and only when ``INTERACTIVE`` is true add widgets that re-run the
*same* function with the values the user picks. Under papermill ``INTERACTIVE = False`` and no
widget is built, so nothing can hang.

What every widget here does for the people using it:

- **one-line messages, never a traceback**: a mistake in what was typed, or a problem the
  toolkit reports (:class:`~toolkit_helpers.errors.ToolkitError`, ``ValueError``,
  ``TypeError``), shows as one line saying what was wrong and what to type; anything else
  shows one line ("Something went wrong: …") with the traceback folded away in a
  "Technical details" box. The message is an ``ipywidgets.HTML`` with the DOM classes
  ``toolkit-message`` (and ``toolkit-error`` for an error);
- **checked fields**: a form field may carry a :class:`Field` spec — a date, a month, a
  number with a range and unit, a file path — read the way people type them
  (:mod:`toolkit_helpers.people`, :func:`toolkit_helpers.paths.find_user_file`), and the form
  says back the date it used ("Counting from 1 April 2025");
- **Enter submits** a form (from any one-line text box);
- **sizes relative to the cell** (``width: 100%`` with a ``max-width``; label widths in
  ``em``; a long label goes above its control and wraps), so handles and readouts stay on
  screen at 200% zoom;
- **a readable note when not running**: displayed, each widget also gives ``text/plain`` and
  ``text/html`` saying what it does and that it needs a running kernel, which is what
  GitHub, VS Code and JupyterLab without saved widget state show instead of
  ``VBox(children=…``.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: The DOM classes of the message line (the browser tests rely on them).
MESSAGE_CLASS = "toolkit-message"
ERROR_CLASS = "toolkit-error"
DETAIL_CLASS = "toolkit-detail"
LABEL_CLASS = "toolkit-label"

#: Widths relative to the cell: a control fills the cell up to ``MAX_WIDTH``; its label takes
#: ``LABEL_WIDTH``; a label longer than ``LONG_LABEL`` characters goes above the control.
MAX_WIDTH = "52em"
LABEL_WIDTH = "16em"
LONG_LABEL = 28

NOT_RUNNING = "Run the notebook (in JupyterLab or Binder) to use it."

KINDS = ("text", "number", "integer", "date", "month", "path")


@dataclass(frozen=True)
class Field:
    """How a form field is read and checked.

    kind:
        ``"text"`` (as typed), ``"number"``, ``"integer"``, ``"date"`` (day first: see
        :func:`toolkit_helpers.people.parse_date`), ``"month"``, ``"path"`` (a file: see
        :func:`toolkit_helpers.paths.find_user_file`).
    min, max, unit:
        For numbers: the allowed range and the unit shown in messages (``"m"``).
    required:
        When ``False`` a blank field is passed as ``None`` instead of being refused.
    echo:
        What the form says back for this field, ``{}`` standing for the value as read
        (``"Counting from {}"``); by default dates, months and paths are said back as
        ``"<label>: <value>"`` and other fields not at all.
    placeholder:
        Grey hint text in an empty box (default: examples of what to type).
    notebook_dir:
        For paths: the notebook's folder, also searched.
    what:
        The field's name in messages (default: the label without its bracketed hint).
    """

    kind: str = "text"
    min: float | None = None
    max: float | None = None
    unit: str = ""
    required: bool = True
    echo: str | None = None
    placeholder: str | None = None
    notebook_dir: str | None = None
    what: str | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Field kind {self.kind!r} is not one of {', '.join(KINDS)}")


def _ipw():
    import ipywidgets as w

    return w


def _plain_label(label: str) -> str:
    """``"Count from (YYYY-MM-DD)"`` → ``"Count from"``."""
    import re

    return re.sub(r"\s*\([^)]*\)\s*$", "", str(label)).strip() or str(label)


def _as_field(spec) -> Field | None:
    if spec is None or isinstance(spec, Field):
        return spec
    if isinstance(spec, dict):
        return Field(**spec)
    if isinstance(spec, str):
        return Field(kind=spec)
    raise TypeError(f"a field spec is a Field, a dict or a kind name, not {type(spec).__name__}")


def read_field(label: str, value, spec: Field | None):
    """The value of one form field as the form passes it on (see :class:`Field`); raises
    :class:`~toolkit_helpers.errors.ToolkitError` (one line, starting with the label) when
    it cannot be read. Returns ``(value, echo)``, ``echo`` the text said back or ``None``."""
    from . import people
    from .errors import ToolkitError

    if spec is None:
        return value, None
    what = spec.what or {"date": "date", "month": "month", "path": "file"}.get(
        spec.kind, _plain_label(label).lower())
    blank = value is None or (isinstance(value, str) and not value.strip())
    if blank and not spec.required:
        return None, None
    try:
        if spec.kind == "text":
            if blank:
                raise ToolkitError(f"the {what} is blank", hint="type something in it.")
            got, shown = value, None
        elif spec.kind in ("number", "integer"):
            got = people.parse_number(value, what=what, minimum=spec.min, maximum=spec.max,
                                      unit=spec.unit, integer=spec.kind == "integer")
            shown = f"{got:,}" + (f" {spec.unit}" if spec.unit else "")
        elif spec.kind == "date":
            got = people.parse_date(value, what=what)
            shown = people.format_date(got)
        elif spec.kind == "month":
            got = people.parse_month(value, what=what)
            shown = people.format_month(got)
        else:
            from .paths import find_user_file, shown_path

            got = find_user_file(value, spec.notebook_dir, what=what)
            shown = shown_path(got)
    except ToolkitError as exc:
        raise ToolkitError(f"{label}: {people.one_line(exc)}") from None
    if spec.echo is not None:
        echo = spec.echo.format(shown if shown is not None else got)
    elif spec.kind in ("date", "month", "path"):
        echo = f"{_plain_label(label)}: {shown}"
    else:
        echo = None
    return got, echo


def _placeholder(spec: Field | None) -> str:
    from .people import DATE_EXAMPLES, MONTH_EXAMPLES

    if spec is None:
        return ""
    if spec.placeholder is not None:
        return spec.placeholder
    return {"date": DATE_EXAMPLES, "month": MONTH_EXAMPLES,
            "path": "e.g. data/sample/council/library_visits.csv"}.get(spec.kind, "")


# ------------------------------------------------------------------ what shows when not running

def _bundle(obj) -> dict:
    """The mime bundle IPython would display for ``obj`` (without needing a running kernel)."""
    from IPython import get_ipython

    ip = get_ipython()
    if ip is not None and getattr(ip, "display_formatter", None) is not None:
        data, _ = ip.display_formatter.format(obj)
    else:
        from IPython.core.formatters import DisplayFormatter

        data, _ = DisplayFormatter().format(obj)
    return data


def _static_html(obj) -> str:
    """``obj`` as static HTML for the note (a table or text; empty if neither)."""
    data = _bundle(obj)
    if "text/html" in data:
        return data["text/html"]
    if "text/markdown" in data:
        return f"<p>{html.escape(data['text/markdown'])}</p>"
    if "text/plain" in data:
        return f"<pre>{html.escape(data['text/plain'])}</pre>"
    return ""


def note_bundle(widget, description: str, fallback_html: str = "") -> dict:
    """The mime bundle of ``widget`` (ipywidgets' own: the widget view) plus ``text/plain``
    and ``text/html`` of a note — ``description`` and that it needs a running kernel — for
    front ends that cannot show the widget; ``fallback_html`` (e.g. the table for the
    starting values) follows the note in ``text/html``."""
    from ipywidgets import Widget

    data = dict(Widget._repr_mimebundle_(widget) or {})
    note = " ".join(f"{description} {NOT_RUNNING}".split())
    data["text/plain"] = note
    data["text/html"] = (f'<p class="toolkit-note"><em>{html.escape(note)}</em></p>'
                         + fallback_html)
    return data


_BOX = None


def _box_class():
    """A ``VBox`` that, displayed, also gives a readable note (see :func:`note_bundle`)."""
    global _BOX
    if _BOX is None:
        w = _ipw()

        class ToolkitBox(w.VBox):
            description_note = "Interactive widget."
            fallback_html = ""

            def _repr_mimebundle_(self, **kwargs):
                return note_bundle(self, self.description_note, self.fallback_html)

        _BOX = ToolkitBox
    return _BOX


def _box(children, description: str):
    box = _box_class()([*children, _style(_ipw())])
    box.description_note = description
    return box


# ------------------------------------------------------------------ messages

class _Messages:
    """The one-line message under a widget and the folded technical details."""

    def __init__(self):
        w = _ipw()
        self.line = w.HTML(value="", layout=w.Layout(display="none", width="100%",
                                                     max_width=MAX_WIDTH))
        self.line.add_class(MESSAGE_CLASS)
        self.detail = w.HTML(value="", layout=w.Layout(display="none"))
        self.detail.add_class(DETAIL_CLASS)
        self.text = ""
        self.is_error = False

    def clear(self):
        self.text, self.is_error = "", False
        self.line.value = ""
        self.line.layout.display = "none"
        self.line.remove_class(ERROR_CLASS)
        self.detail.value = ""
        self.detail.layout.display = "none"

    def say(self, text: str):
        self.clear()
        if text:
            self.text = " ".join(text.split())
            self.line.value = f"<span>{html.escape(self.text)}</span>"
            self.line.layout.display = ""

    def error(self, exc: BaseException):
        from .errors import ToolkitError
        from .people import one_line

        self.clear()
        if isinstance(exc, (ToolkitError, ValueError)):
            text = one_line(exc)
        elif isinstance(exc, TypeError):
            text = f"That input cannot be used: {one_line(exc)}"
        else:
            import traceback

            text = (f"Something went wrong: {type(exc).__name__}: {one_line(exc)} "
                    "(technical details below).")
            tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            self.detail.value = ("<details><summary>Technical details (for whoever looks "
                                 f"after the toolkit)</summary><pre>{html.escape(tb)}</pre>"
                                 "</details>")
            self.detail.layout.display = ""
        self.text = " ".join(text.split())
        self.is_error = True
        self.line.value = (f'<span role="alert" style="color:#a1001a;font-weight:600">'
                           f"{html.escape(self.text)}</span>")
        self.line.add_class(ERROR_CLASS)
        self.line.layout.display = ""


def _readable(obj):
    """A DataFrame or Series as the collection shows tables (:mod:`toolkit_helpers.display`:
    people's headers, £, no 0…n index); anything else as it is."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return obj
    if isinstance(obj, (pd.DataFrame, pd.Series)):
        try:
            from .display import table
        except ImportError:  # pragma: no cover - an older checkout without it
            return obj
        return table(obj)
    return obj


def _run_into(out, messages: _Messages, fn: Callable[[], Any], echo: str = "") -> bool:
    """Run ``fn`` showing what it returns (or displays) in ``out``; a failure becomes a
    one-line message. Returns whether it worked."""
    from IPython.display import display

    out.clear_output(wait=True)
    messages.say(echo)
    failed = None
    with out:  # the exception is caught inside: the Output widget would print a traceback
        try:
            result = fn()
            if result is not None:
                display(_readable(result))
        except Exception as exc:  # noqa: BLE001 - every failure becomes one line, by design
            failed = exc
    if failed is not None:
        messages.error(failed)
        return False
    return True


def _layout(w):
    return w.Layout(width="100%", max_width=MAX_WIDTH)


#: Classes the style sheet below targets: a control whose label is shown above it (its own
#: label kept for assistive technology, visually hidden), and a checkbox whose label wraps.
ABOVE_CLASS = "toolkit-label-above"
CHECK_CLASS = "toolkit-check"
_STYLE = (
    f".{ABOVE_CLASS} > .widget-label{{position:absolute!important;width:1px!important;"
    "height:1px!important;overflow:hidden!important;clip:rect(0 0 0 0);white-space:nowrap;"
    "margin:0!important;padding:0!important}"
    f".{CHECK_CLASS},.{CHECK_CLASS} .widget-label-basic{{height:auto!important}}"
    f".{CHECK_CLASS} .widget-label-basic,.{CHECK_CLASS} .widget-label-basic span"
    "{white-space:normal!important;overflow:visible!important;text-overflow:clip!important;"
    "line-height:1.35}"
    f".{LABEL_CLASS}{{white-space:normal;line-height:1.35}}"
)


def _style(w):
    """The widgets' small style sheet (labels above controls, wrapping checkbox labels)."""
    return w.HTML(f"<style>{_STYLE}</style>", layout=w.Layout(margin="0", height="0"))


def _labelled(w, label: str, control, description_width: str, *, above: bool = False):
    """``control`` with its label. Every control keeps its label as its own description, so
    assistive technology names it (a tooltip alone is not a label). A checkbox's label sits
    beside it and wraps; a short label sits beside its control; a long one — or any slider's,
    so that at 200% zoom the slider and its value keep the cell's whole width — is shown
    above, wrapping, with the control's own label visually hidden."""
    control.description = str(label)
    control.description_allow_html = False
    if isinstance(control, w.Checkbox):
        control.indent = False
        control.add_class(CHECK_CLASS)
        return [control]
    if len(str(label)) <= LONG_LABEL and not above:
        control.style.description_width = description_width
        return [control]
    control.style.description_width = "0px"
    control.add_class(ABOVE_CLASS)
    lab = w.HTML(f"<span>{html.escape(str(label))}</span>", layout=_layout(w))
    lab.add_class(LABEL_CLASS)
    return [lab, control]


# ------------------------------------------------------------------ form

def form(fields: dict[str, Any], on_submit: Callable[[dict], Any], *,
         submit_label: str = "Submit", description_width: str | None = None,
         specs: dict[str, Any] | None = None, description: str | None = None):
    """A form. ``fields`` maps a label to an initial value (bool → checkbox, int/float →
    number box, list of options → dropdown (first is default), str → text box).

    ``specs`` (optional) maps a label to a :class:`Field` (or a dict of its arguments, or a
    kind name such as ``"date"``): that field is a text box read and checked as the spec says,
    and ``on_submit`` receives the value read (a ``datetime.date`` for a date, a ``Path`` for
    a path, a number for a number). ``on_submit(values)`` is called with ``{label: value}``;
    what it returns (or displays) is shown below the form. A mistake shows one line (see the
    module's docstring); Enter in a text box submits. ``description`` is the note shown where
    the widget cannot run. Returns the form widget (a ``VBox``), already wired;
    ``box.submit()`` submits it, ``box.controls`` maps each label to its control and
    ``box.message`` is the message widget."""
    w = _ipw()
    specs = {k: _as_field(v) for k, v in (specs or {}).items()}
    unknown = set(specs) - set(fields)
    if unknown:
        raise ValueError(f"specs for fields the form does not have: {', '.join(sorted(unknown))}")
    width = description_width or LABEL_WIDTH
    controls: dict[str, Any] = {}
    rows: list = []
    for label, value in fields.items():
        spec = specs.get(label)
        if spec is not None:
            ctl = w.Text(value="" if value is None else str(value),
                         placeholder=_placeholder(spec), layout=_layout(w))
        elif isinstance(value, bool):
            ctl = w.Checkbox(value=value, indent=False, layout=_layout(w))
        elif isinstance(value, int):
            ctl = w.IntText(value=value, layout=_layout(w))
        elif isinstance(value, float):
            ctl = w.FloatText(value=value, layout=_layout(w))
        elif isinstance(value, (list, tuple)):
            ctl = w.Dropdown(options=list(value), value=value[0] if value else None,
                             layout=_layout(w))
        else:
            ctl = w.Text(value="" if value is None else str(value), layout=_layout(w))
        controls[label] = ctl
        rows.extend(_labelled(w, label, ctl, width))
    button = w.Button(description=submit_label, button_style="primary",
                      layout=w.Layout(width="auto"))
    messages = _Messages()
    out = w.Output(layout=w.Layout(width="100%"))

    def _submit(_btn=None):
        values, echoes = {}, []
        try:
            for k, c in controls.items():
                values[k], echo = read_field(k, c.value, specs.get(k))
                if echo:
                    echoes.append(echo)
        except Exception as exc:  # noqa: BLE001 - shown as one line
            out.clear_output()
            messages.error(exc)
            return False
        return _run_into(out, messages, lambda: on_submit(values), "; ".join(echoes))

    button.on_click(_submit)

    def _on_msg(_widget, content, _buffers):
        if isinstance(content, dict) and content.get("event") == "submit":
            _submit()

    for c in controls.values():
        if isinstance(c, w.Text):
            c.on_msg(_on_msg)  # the front end sends {"event": "submit"} on Enter
    if len(controls) == 1:
        (only,) = controls.values()
        if isinstance(only, (w.IntText, w.FloatText)):
            only.observe(lambda _change: _submit(), names="value")  # Enter (or leaving it)
    note = description or _form_note(fields, specs, submit_label)
    box = _box([*rows, button, messages.line, messages.detail, out], note)
    box.submit = _submit  # for tests and for the browser test
    box.controls = controls
    box.message = messages.line
    box.messages = messages
    box.output = out
    return box


def _form_note(fields, specs, submit_label) -> str:
    names = [_plain_label(k) for k in fields]
    shown = ", ".join(names[:4]) + (" …" if len(names) > 4 else "")
    if len(shown) > 80:
        shown = f"{len(names)} questions" if len(names) > 1 else "1 question"
    typed = any(s is not None for s in specs.values()) or any(
        isinstance(v, str) for v in fields.values())
    how = "press Enter or " if typed else ""
    return f"Interactive form ({shown}): fill it in, then {how}click “{submit_label}”."


# ------------------------------------------------------------------ sliders

def sliders(specs: dict[str, tuple], fn: Callable[..., Any], *, continuous: bool = False,
            description_width: str | None = None,
            prompt: str = "Move a slider: the result for your values appears below.",
            description: str | None = None, show_initial: bool = False):
    """Sliders that re-run ``fn(**values)`` on change and show its result.

    ``specs`` maps a keyword to ``(min, max, step, value[, label])``. Returns the widget box;
    ``box.run()`` runs ``fn`` with the current values (as a slider move does). A failure
    shows one line (see the module's docstring). ``show_initial``: put the result for the
    starting values in the output area straight away — stored in the widget, never printed in
    the cell, so it is papermill-safe — and in the note shown where the widget cannot run.
    """
    w = _ipw()
    width = description_width or LABEL_WIDTH
    ctls = {}
    rows: list = []
    for key, spec in specs.items():
        lo, hi, step, value, *label = spec
        cls = w.IntSlider if all(isinstance(x, int) for x in (lo, hi, step, value)) else w.FloatSlider
        ctls[key] = cls(min=lo, max=hi, step=step, value=value, continuous_update=continuous,
                        layout=_layout(w))
        rows.extend(_labelled(w, label[0] if label else key, ctls[key], width, above=True))
    out = w.Output(layout=w.Layout(width="100%"))
    messages = _Messages()

    def _values():
        return {k: c.value for k, c in ctls.items()}

    def _run(_change=None):
        return _run_into(out, messages, lambda: fn(**_values()))

    for c in ctls.values():
        c.observe(_run, names="value")
    # Nothing runs at build time unless asked: the notebook has already shown the result for
    # the starting values, and output produced without a front end (papermill, nbval) would
    # land in the cell instead of the widget. show_initial stores it in the widget instead.
    hint = w.HTML(f"<em>{html.escape(prompt)}</em>")
    labels = [(s[4] if len(s) > 4 else k) for k, s in specs.items()]
    note = description or ("Interactive sliders (" + ", ".join(map(str, labels[:4]))
                           + "): move one to see the result for your values.")
    box = _box([*rows, hint, messages.line, messages.detail, out], note)
    if show_initial:
        try:
            first = fn(**_values())
        except Exception as exc:  # noqa: BLE001 - shown as one line
            messages.error(exc)
        else:
            if first is not None:
                first = _readable(first)
                data = _bundle(first)
                out.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)
                box.fallback_html = _static_html(first)
    box.controls = ctls
    box.run = _run
    box.message = messages.line
    box.messages = messages
    box.output = out
    return box


# ------------------------------------------------------------------ file upload

def file_upload(on_upload: Callable[[list[dict]], Any], *,
                accept: str = ".csv,.tsv,.txt,.xlsx,.xlsm", label: str = "Upload a file",
                description: str | None = None, multiple: bool = False):
    """A file upload button: ``on_upload(files)`` runs with the uploaded files (each a dict
    with ``name`` and ``content`` bytes) and what it returns or displays is shown below; a
    failure shows one line. Returns the widget box (``box.upload`` the ``FileUpload``,
    ``box.handle(files)`` runs as an upload does)."""
    w = _ipw()
    upload = w.FileUpload(accept=accept, multiple=multiple, description=label,
                          layout=w.Layout(width="auto"))
    messages = _Messages()
    out = w.Output(layout=w.Layout(width="100%"))

    def _handle(files):
        files = [{**dict(f), "content": bytes(f["content"])} for f in (files or ())]
        if not files:
            return False
        names = ", ".join(str(f.get("name", "")) for f in files)
        return _run_into(out, messages, lambda: on_upload(files), f"Uploaded: {names}")

    upload.observe(lambda change: _handle(change["new"]), names="value")
    note = description or (f"File upload ({accept}): choose a file from your computer to "
                           "check it here.")
    box = _box([upload, messages.line, messages.detail, out], note)
    box.upload = upload
    box.handle = _handle
    box.message = messages.line
    box.messages = messages
    box.output = out
    return box


# ------------------------------------------------------------------ results

class TextAndTable:
    """A sentence (markdown with ``**bold**``) and a table shown together as one output, so a
    widget's result can be stored in its output area in one piece."""

    def __init__(self, text: str, table):
        self.text, self.table = text, table

    def _repr_mimebundle_(self, include=None, exclude=None):
        import re

        body = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(self.text))
        shown = _readable(self.table)
        table_html = (shown._repr_html_() if hasattr(shown, "_repr_html_")
                      else f"<pre>{html.escape(str(shown))}</pre>")
        return {"text/plain": f"{self.text.replace('**', '')}\n\n{self.table}",
                "text/html": f"<p>{body}</p>\n{table_html}"}


def text_and_table(text: str, table) -> TextAndTable:
    """See :class:`TextAndTable`."""
    return TextAndTable(text, table)
