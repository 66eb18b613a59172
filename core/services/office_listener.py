"""The kept LibreOffice's listener: unoserver's server, run by the Python that has LibreOffice's ``uno`` module.

Started by :mod:`core.services.office` as ``<that python> -I office_listener.py <unoserver's folder> <parent pid>
<unoserver args>``; with a parent pid (not 0) it ends, with its LibreOffice, when that process is gone (the worker
that started it was killed);
it imports nothing of greenmfg (that Python has none of its packages). It adds the folder holding unoserver (the
application's own site-packages) at the end of ``sys.path``, so the interpreter's own packages (``uno``) come first.

One correction to unoserver 3.7: it opens a document in a frame without ``Hidden``, and LibreOffice 7.4 built
without a display (Debian 12's ``libreoffice-calc-nogui``) aborts on that (``vcl::Window::GetCursor``) and takes the
listener down; with ``Hidden`` the same conversion works. The desktop it loads through is wrapped so that every
document is opened hidden.
"""
from __future__ import annotations

import sys


def _hidden(props):
    from com.sun.star.beans import PropertyValue

    props = tuple(p for p in (props or ()) if p.Name != "Hidden")
    return props + (PropertyValue(Name="Hidden", Value=True),)


class _HiddenDesktop:
    """The desktop, opening every document hidden."""

    def __init__(self, desktop):
        self._desktop = desktop

    def loadComponentFromURL(self, url, frame, flags, props):  # UNO's name
        return self._desktop.loadComponentFromURL(url, "_blank", flags, _hidden(props))

    def __getattr__(self, name):
        return getattr(self._desktop, name)


def _end_with(parent: int) -> None:
    """End this process group (the listener and its LibreOffice) once ``parent`` is no longer this one's parent."""
    import os
    import signal
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.killpg(os.getpgid(0), signal.SIGKILL)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def main() -> int:
    sys.path.append(sys.argv[1])
    parent = int(sys.argv[2])
    del sys.argv[1:3]
    if parent:
        _end_with(parent)
    from unoserver import converter, server

    opened = converter.UnoConverter.__init__

    def init(self, *args, **kwargs):
        opened(self, *args, **kwargs)
        self.desktop = _HiddenDesktop(self.desktop)

    converter.UnoConverter.__init__ = init
    return server.main() or 0


if __name__ == "__main__":
    sys.exit(main())
