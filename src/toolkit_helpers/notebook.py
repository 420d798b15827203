"""What every notebook does first: :func:`start`.

>>> ctx = start("spend_network_tenders", CONFIG, OUTPUT_DIR, INTERACTIVE)   # doctest: +SKIP
>>> ctx.config.council.name; ctx.artefacts.table(...)                       # doctest: +SKIP

It applies the accessible chart style, makes the toolkit's own errors show as a short message
(file, row, column, what to do) instead of a long traceback, loads and validates the council
config, and opens the notebook's artefacts folder.
"""
from __future__ import annotations

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


def install_error_display() -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    ip = get_ipython()
    if ip is None:
        return
    from .errors import ToolkitError

    ip.set_custom_exc((ToolkitError,), _show_toolkit_error)


def start(name: str, config: str = "councils/sample.yaml", output_dir: str = "",
          interactive: bool = True, title: str | None = None, quiet: bool = False) -> Context:
    """Set up a notebook run: style, error display, config, artefacts folder."""
    from .charts import apply_style

    apply_style()
    install_error_display()
    cfg = load_config(config)
    out = Path(output_dir) if output_dir else cfg.output_dir
    art = Artefacts(out, name, title=title, council=cfg.council.name)
    ctx = Context(name=name, config=cfg, artefacts=art, output_dir=out,
                  interactive=bool(interactive))
    if not quiet:
        print(ctx.describe())
    return ctx
