"""Papermill-safe widgets: forms and sliders that drive the same functions as the
non-interactive path.

Rule for every notebook: compute the result from the parameter values first (that is what
papermill and nbval see), and only when ``INTERACTIVE`` is true add widgets that re-run the
*same* function with the values the user picks. Under papermill ``INTERACTIVE = False`` and no
widget is built, so nothing can hang.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _ipw():
    import ipywidgets as w

    return w


def form(fields: dict[str, Any], on_submit: Callable[[dict], Any], *,
         submit_label: str = "Submit", description_width: str = "220px"):
    """A simple form. ``fields`` maps a label to an initial value (bool → checkbox,
    int/float → number box, list of options → dropdown (first is default), str → text box).
    ``on_submit(values)`` is called with ``{label: value}``; what it returns (or prints) is
    shown below the form. Returns the form widget (already wired)."""
    w = _ipw()
    style = {"description_width": description_width}
    layout = w.Layout(width="640px")
    controls = {}
    for label, value in fields.items():
        if isinstance(value, bool):
            ctl = w.Checkbox(value=value, description=label, style=style, layout=layout)
        elif isinstance(value, int):
            ctl = w.IntText(value=value, description=label, style=style, layout=layout)
        elif isinstance(value, float):
            ctl = w.FloatText(value=value, description=label, style=style, layout=layout)
        elif isinstance(value, (list, tuple)):
            ctl = w.Dropdown(options=list(value), value=value[0], description=label,
                             style=style, layout=layout)
        else:
            ctl = w.Text(value=str(value), description=label, style=style, layout=layout)
        controls[label] = ctl
    button = w.Button(description=submit_label, button_style="primary")
    out = w.Output()

    def _submit(_btn=None):
        out.clear_output()
        with out:
            result = on_submit({k: c.value for k, c in controls.items()})
            if result is not None:
                from IPython.display import display

                display(result)

    button.on_click(_submit)
    box = w.VBox([*controls.values(), button, out])
    box.submit = _submit  # for tests and for the browser test
    return box


def sliders(specs: dict[str, tuple], fn: Callable[..., Any], *, continuous: bool = False,
            description_width: str = "320px",
            prompt: str = "Move a slider: the result for your values appears below."):
    """Sliders that re-run ``fn(**values)`` on change and show its result.

    ``specs`` maps a keyword to ``(min, max, step, value[, label])``. Returns the widget box;
    ``box.run()`` runs ``fn`` with the current values (as a slider move does).
    """
    w = _ipw()
    ctls = {}
    for key, spec in specs.items():
        lo, hi, step, value, *label = spec
        cls = w.IntSlider if all(isinstance(x, int) for x in (lo, hi, step, value)) else w.FloatSlider
        ctls[key] = cls(min=lo, max=hi, step=step, value=value,
                        description=label[0] if label else key,
                        continuous_update=continuous,
                        style={"description_width": description_width},
                        layout=w.Layout(width="720px"))
    out = w.Output()

    def _run(_change=None):
        out.clear_output(wait=True)
        with out:
            result = fn(**{k: c.value for k, c in ctls.items()})
            if result is not None:
                from IPython.display import display

                display(result)

    for c in ctls.values():
        c.observe(_run, names="value")
    # Nothing runs until a slider moves: the notebook has already shown the result for the
    # starting values, and output produced without a front end (papermill, nbval) would land
    # in the cell instead of the widget.
    hint = w.HTML(f"<em>{prompt}</em>")
    box = w.VBox([*ctls.values(), hint, out])
    box.controls = ctls
    box.run = _run
    return box
