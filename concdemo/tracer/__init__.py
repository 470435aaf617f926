"""The tracer: makes an unmodified script's processes, threads and greenlets report.

``concdemo run PATH.py`` starts the script with ``tracer/boot`` first on its
``PYTHONPATH``; Python then imports our ``sitecustomize`` in the script's main
process and in every fresh interpreter it starts (spawn children, the
forkserver), because they inherit the environment. That module calls
``concdemo.tracer.install.install()``, which hooks a few specific functions as
their modules are imported (nothing is traced globally) and follows fork
children with ``os.register_at_fork``. Events go over the same per-process writer
as a scenario's (``concdemo.wire.process``), so every view treats them alike.

This package must import nothing at start-up that the script would not import
itself (gevent scripts patch ``threading``/``socket`` first), and start no thread.
Nor ``typing``, ``json`` or ``signal`` (which imports enum), that a script may
never import: these modules (and ``concdemo.wire``, ``concdemo.probe``) set
``TYPE_CHECKING = False`` themselves, which mypy reads as typing's (``from typing
import TYPE_CHECKING`` imports typing), the channel takes json's C encoder, and
signals go through ``_signal``. With the three left out, a traced ``python -c
pass`` took 17.9 ms instead of 25.6 (bare 9.8; medians of 30, on one CPU).
"""
