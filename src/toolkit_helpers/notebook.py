"""What every notebook does first: :func:`start`.

>>> ctx = start("spend_network_tenders", CONFIG, OUTPUT_DIR, INTERACTIVE)   # doctest: +SKIP
>>> ctx.config.council.name; ctx.artefacts.table(...)                       # doctest: +SKIP

It applies the accessible chart style, makes the toolkit's own errors show as a short message
(file, row, column, what to do) instead of a long traceback, loads and validates the council
config, and opens the notebook's artefacts folder.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .artefacts import Artefacts
from .config import Config, load_config


@dataclass
class Context:
    name: str
    config: Config
    artefacts: Artefacts
    output_dir: Path
    interactive: bool

    def inputs(self, value, key: str) -> list[Path]:
        """The files for a data key: ``value`` (a notebook parameter: a path, a list or a
        folder) when given, else the config's ``data.<key>``; an empty list when neither."""
        from .paths import resolve_user_path

        if value is None or (isinstance(value, (list, tuple)) and not value):
            return self.config.data_paths(key)
        items = [value] if isinstance(value, (str, os.PathLike)) else list(value)
        return [resolve_user_path(v) for v in items]

    def missing_input(self, key: str, path=None) -> str:
        """Markdown saying what to give or fill in for an input that is absent or blank."""
        from .config import DATA_KEYS
        from .templates import TEMPLATES

        what = TEMPLATES[key].what if key in TEMPLATES else DATA_KEYS.get(key, key)
        if path:
            name = Path(path[0] if isinstance(path, (list, tuple)) else path).name
            return (f"**Still to fill in: `{name}`** ({what}). It is a blank template: fill it "
                    f"in (config key `data.{key}`) and run this notebook again.")
        return (f"**Not given: `data.{key}`** ({what}). Add it to the council config (or the "
                "Parameters cell) to include this part.")

    def left_out(self, key: str, path=None) -> None:
        """Say that a part of the notebook is left out until ``key`` is given or filled in,
        and record it for the business case pack (a "still to fill in" note in its case)."""
        from IPython.display import Markdown, display

        text = self.missing_input(key, path)
        display(Markdown(text))
        self.artefacts.text(f"to_fill_in_{key}", text.replace("**", ""), case=self._case,
                            title=f"Still to fill in: {key.replace('_', ' ')}")

    def wait_for(self, key: str, path) -> bool:
        """Stop the notebook here, saying what to fill in, while the input ``key`` is absent or
        a blank template: the following cells are skipped (this run only). Call it as the last
        line of a cell. Returns True when the notebook goes on."""
        from .templates import is_blank

        if path and not is_blank(path):
            return True
        from IPython.display import Markdown, display

        text = self.missing_input(key, path)
        display(Markdown(text + "\n\nThe rest of this notebook needs it, so it stops here."))
        self.artefacts.text(f"to_fill_in_{key}", text.replace("**", ""), case=self._case,
                            title=f"Still to fill in: {key.replace('_', ' ')}")
        _skip_following_cells(True)
        return False

    @property
    def _case(self) -> str:
        return {"01_goals": "strategic", "02_data_use": "management",
                "03_demonstrating_value": "economic", "00_start_here": "management"
                }.get(self.name, "management")

    def describe(self) -> str:
        c = self.config.council
        return (f"Council: {c.name} ({c.gss_code}) · service: {self.config.service.name} · "
                f"outputs: {c.slug}/{self.artefacts.notebook}/")


def _show_toolkit_error(shell, etype, evalue, tb, tb_offset=None):
    """IPython custom exception handler: a ToolkitError is the user's to fix, so show the
    message (which says where and what to do), not pandas' internals."""
    text = f"{etype.__name__}: {evalue}"
    # an error output with the exception's name and message (what papermill and the runner
    # report), whose "traceback" is just the message
    shell._showtraceback(etype, evalue, [text])
    return [text]


_MD_LINK = re.compile(r"\[([^\]]*)\]\(\s*([^\s()]*(?:\([^()]*\)[^\s()]*)*)[^)]*\)")


def safe_markdown(text) -> str:
    """Markdown for display in a notebook with raw HTML shown as text (``<script>``, ``<iframe>``
    from a council name or a data file are never live) and links kept only to http(s)
    addresses (a ``javascript:`` link keeps just its label)."""
    import html

    s = html.escape("" if text is None else str(text), quote=False)
    return _MD_LINK.sub(lambda m: m.group(0) if re.match(r"https?://", m.group(2), re.I)
                        else m.group(1), s)


try:
    from IPython.display import Markdown as _IPythonMarkdown
except ImportError:  # pragma: no cover
    _IPythonMarkdown = object


class Markdown(_IPythonMarkdown):
    """IPython's Markdown display, made safe with :func:`safe_markdown`: notebooks import this
    one, so text from a config or a data file shown as Markdown cannot run as HTML."""

    def __init__(self, data=None, url=None, filename=None, metadata=None):
        super().__init__(safe_markdown(data) if data is not None else None, url, filename,
                         metadata)
        self._plain = "" if data is None else str(data)

    def __repr__(self) -> str:
        """The text itself, as the ``text/plain`` copy of the output: what a viewer that does
        not render Markdown shows (and what a search of the notebook's text finds)."""
        return self._plain


def _shell():
    """The running IPython shell, or None (plain Python)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return None
    return get_ipython()


def install_error_display() -> None:
    ip = _shell()
    if ip is None:
        return
    from .errors import ToolkitError

    ip.set_custom_exc((ToolkitError,), _show_toolkit_error)


def _skip_cell(lines: list[str]) -> list[str]:
    # the cell that calls start() is let through: running the notebook again from the top
    # (after filling in a template) starts afresh
    if any("ctx = start(" in line for line in lines):
        return lines
    return ["pass\n"]


def _skip_following_cells(on: bool) -> None:
    """Turn every following cell into a no-op (``on``), or stop doing so."""
    ip = _shell()
    if ip is None:
        return
    hooks = ip.input_transformers_post
    hooks[:] = [h for h in hooks if h is not _skip_cell]
    if on:
        hooks.append(_skip_cell)


def start(name: str, config: str = "councils/sample.yaml", output_dir: str = "",
          interactive: bool = True, title: str | None = None, quiet: bool = False) -> Context:
    """Set up a notebook run: style, error display, config, artefacts folder."""
    from .charts import apply_style

    apply_style()
    install_error_display()
    _skip_following_cells(False)  # "Run all" again after filling in a template
    cfg = load_config(config)
    if cfg.settings.get("limits"):  # the council's own limits on file sizes, columns, cells …
        from .io import set_limits

        set_limits(cfg.settings["limits"])
    out = Path(output_dir) if output_dir else cfg.output_dir
    art = Artefacts(out, name, title=title, council=cfg.council.name)
    ctx = Context(name=name, config=cfg, artefacts=art, output_dir=out,
                  interactive=bool(interactive))
    if not quiet:  # a sentence for people, not code font
        from IPython.display import display

        display(Markdown(f"*{ctx.describe()}*"))
    return ctx
