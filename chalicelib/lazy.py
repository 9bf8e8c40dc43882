"""Modules loaded on first use, for a short cold start.

Every Lambda function imports ``app``, so every handler module is imported on every cold start,
while a request needs one or two services. A handler writes ``submit = lazy("chalicelib.services.
submit")`` instead of ``from chalicelib.services import submit``; the real module is imported the
first time one of its attributes is read, through the ordinary import system (so it is thread-safe,
unlike ``importlib.util.LazyLoader`` on Python 3.11, and the module in ``sys.modules`` is the real
one for everybody else).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class _LazyModule(ModuleType):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__dict__["_target"] = name

    def __getattr__(self, attribute: str) -> Any:
        module = importlib.import_module(self.__dict__["_target"])
        return getattr(module, attribute)


def lazy(name: str) -> Any:
    return _LazyModule(name)
