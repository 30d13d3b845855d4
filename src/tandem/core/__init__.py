"""Pure computation: no Django, no I/O, no clock. Services translate rows to these types."""
