"""LIBEV_FLAGS no longer picks gevent's backend: GEVENT_BACKEND does.

Each setting ran in a fresh Python process (the loop is chosen once, when the
hub is created) that reported gevent.get_hub().loop.backend. GEVENT_BACKEND =
select, poll and epoll each got what they asked for. The article's
LIBEV_FLAGS=1 (select) and =2 (poll) changed nothing: the loop stayed on epoll,
the fastest one on Linux, because gevent creates its libev loop with
EVFLAG_NOENV, which tells libev to ignore LIBEV_FLAGS. Use the environment
variable GEVENT_BACKEND, or set gevent.config.libev_backend before the hub
exists, as this process did at the end.
"""

import json
import os
import subprocess
import sys

import gevent

from concdemo import probe

VARIANT = "backends"
CLAIMS = ["GE8"]
EXPECT = "ok"

REPORT = "import gevent, json; print(json.dumps(gevent.get_hub().loop.backend))"


def backend_under(setting):
    """The backend a new process's hub picks with `setting` (NAME=value or None)."""
    chosen = ("GEVENT_BACKEND", "GEVENT_LOOP", "LIBEV_FLAGS")  # only `setting` may choose
    env = {k: v for k, v in os.environ.items() if k not in chosen}
    if setting:
        name, _, value = setting.partition("=")
        env[name] = value
    with probe.span("child", setting=setting or "(nothing set)") as s:
        done = subprocess.run([sys.executable, "-c", REPORT], env=env, capture_output=True,
                              text=True, timeout=60, check=True)
        backend = json.loads(done.stdout)
        s.note(backend=backend)
    return backend


if __name__ == "__main__":
    probe.start()
    default = backend_under(None)
    probe.check("by default the loop uses epoll on Linux", default == "epoll", backend=default)
    for wanted in ("select", "poll", "epoll"):
        got = backend_under(f"GEVENT_BACKEND={wanted}")
        probe.check(f"GEVENT_BACKEND={wanted} gives {wanted}", got == wanted, backend=got)
    for flags, article_says in (("1", "select"), ("2", "poll")):
        got = backend_under(f"LIBEV_FLAGS={flags}")
        probe.check(f"LIBEV_FLAGS={flags} (the article: {article_says}) is ignored: still {default}",
                    got == default, backend=got)

    gevent.config.libev_backend = "poll"  # in code: before anything creates the hub
    got = gevent.get_hub().loop.backend
    probe.event("backend", setting="gevent.config.libev_backend = 'poll'", backend=got)
    probe.check("gevent.config.libev_backend set in code works too", got == "poll", backend=got)
