"""Region plugins shipped with greenmfg. ``national`` is always on."""
