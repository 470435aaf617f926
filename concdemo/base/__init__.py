"""The floor every other part of concdemo stands on: what they share and nothing else.

It imports only the standard library, so the wire, the probe and the tracer
(which run inside a scenario's or a user's processes) may use it too."""
