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
"""
