"""Pause Python's cyclic garbage collector while building many long-lived objects
(data loading, the record cache, the selection engine).

Loading the data creates millions of small objects (parsed documents, records)
that all stay alive. Every full collection walks all of them again, so with the
collector on, parsing 10,000 files costs more than twice what it does with it
off. Reference counting still frees everything that is not in a cycle; cyclic
garbage made while paused is collected once the collector runs again.

Even after a pause, the collector walks every object made during it once more
(they are all young), and again in every full collection for as long as they
live: about 0.2 s each for the records of 10,000 files. A program that owns its
process and keeps the loaded data until it ends (``python -m gongjiang_pipeline``)
calls :func:`freeze_loaded_data`; a successful load then *freezes* what is
alive (:func:`gc.freeze`): never walked again, and never copied into forked
workers' memory by the collector touching it. Not for a process that loads again
and again (the tests): a frozen object that later becomes cyclic garbage is
never freed.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

_freeze_loaded = False


def freeze_loaded_data(on: bool = True) -> None:
    """From now on, a load that succeeds freezes what is alive (see above)."""
    global _freeze_loaded
    _freeze_loaded = on


def freezing_loaded_data() -> bool:
    return _freeze_loaded


@contextmanager
def paused_gc(*, freeze: bool = False) -> Iterator[None]:
    """Switch the collector off for the block; afterwards it is on again only if it was on before.

    ``freeze``: when the block ends without an exception, freeze every object alive
    (before the collector runs again, so it never walks them).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if freeze:
            gc.freeze()
    finally:
        if was_enabled:
            gc.enable()
