"""More `kg` commands, one module per topic. Each module defines `register(app)`, which adds
its commands to the Typer app; kg.cli calls register_all() once."""
from __future__ import annotations

import importlib
import pkgutil


def register_all(app) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)
