"""Python's cycle collector paused while an import builds its rows.

An import builds tens of thousands of small containers (row dicts, lists, model-free rows)
that reference counting frees; each few hundred new containers start a collection, and every
tenth of those looks at older objects too, so a 2 000-row enterprise list spent about a fifth
of its time in the collector (35 ms of ~170 ms; the bare openpyxl parse it is compared with
pays it too). ``paused()`` turns the collector off for the block and back on after it, if it
was on (nested blocks and other threads' blocks leave it as the outermost found it; a thread
that ends its block while another is still in one only turns it back on early). Cycles made
meanwhile are collected at the next collection after the block.
"""

import contextlib
import gc


@contextlib.contextmanager
def paused():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
