"""Templates of ``greenmfg new-region`` (data files ending in ``.tmpl``; nothing to import)."""
