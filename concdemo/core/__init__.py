"""The run core: one variant in a subprocess of its own, its events received and
stored as fast as they arrive, and how and when it ended (exit, hang, stacks).

Nothing here draws: views get the events through ``ingest``'s sink."""
