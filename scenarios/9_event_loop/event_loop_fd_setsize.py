"""select() cannot watch a descriptor numbered 1024 or more (FD_SETSIZE); poll and epoll can.

select() takes fd_set bitmaps, and an fd_set has room for FD_SETSIZE = 1024
descriptors, numbered 0 to 1023: the limit is on the descriptor's number, not
on how many you watch, so a busy server that has a thousand files open cannot
select() on its next socket at all. Python checks this before the call and
raises ValueError('filedescriptor out of range in select()') instead of
writing past the bitmap. poll() and epoll take the same descriptor without
complaint. One surprise, checked in a child process: gevent's own select
backend (libev) keeps bitmaps of its own size on Linux, so it coped with
descriptor 1024 as well.
"""

import os
import resource
import select
import socket
import subprocess
import sys

from concdemo import probe

VARIANT = "fd-setsize"
CLAIMS = ["GE9"]
EXPECT = "ok"

FD_SETSIZE = 1024

# A gevent process on the select backend, waiting on descriptor 1024.
GEVENT_SELECT_CHILD = """
import os, socket, gevent
from gevent import socket as gsocket
reader, writer = socket.socketpair()
high = gsocket.socket(fileno=os.dup2(reader.fileno(), 1024))
gevent.spawn_later(0.05, writer.send, b"x")
print(gevent.get_hub().loop.backend, high.recv(1).decode())
"""


def allow_descriptor(number):
    """Let this process open descriptor `number`: raise the soft RLIMIT_NOFILE if we may."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft <= number:
        if hard != resource.RLIM_INFINITY and hard <= number:
            return False
        resource.setrlimit(resource.RLIMIT_NOFILE, (number + 1, hard))
        probe.event("rlimit", soft_was=soft, soft_now=number + 1, hard=hard)
    return True


def is_free(fd):
    try:
        os.fstat(fd)
    except OSError:
        return True
    return False


if __name__ == "__main__":
    probe.start()
    allowed = allow_descriptor(FD_SETSIZE)
    if not allowed:
        probe.event("cannot", why="RLIMIT_NOFILE's hard limit is 1024 or less; "
                    "raise `ulimit -Hn` (as root) to see this")
    probe.check("this process may open descriptor 1024 (RLIMIT_NOFILE)", allowed)
    if allowed:
        reader, writer = socket.socketpair()
        writer.send(b"x")  # so that whoever watches the reader sees it ready
        low, high = FD_SETSIZE - 1, FD_SETSIZE
        probe.event("descriptors", low=low, high=high, fd_setsize=FD_SETSIZE)
        probe.check("descriptors 1023 and 1024 are free", is_free(low) and is_free(high))
        os.dup2(reader.fileno(), low)
        os.dup2(reader.fileno(), high)  # the same socket, under the number select cannot take

        ready, _, _ = select.select([low], [], [], 0)
        probe.check("select() takes descriptor 1023", ready == [low])
        with probe.raises(ValueError, "select() refuses descriptor 1024") as refused:
            select.select([high], [], [], 0)
        probe.check("the message names the problem",
                    "filedescriptor out of range" in str(refused.value),
                    message=str(refused.value))

        watcher = select.poll()
        watcher.register(high, select.POLLIN)
        probe.check("poll() takes descriptor 1024", [fd for fd, _ in watcher.poll(0)] == [high])
        epoll = select.epoll()
        epoll.register(high, select.EPOLLIN)
        probe.check("epoll takes descriptor 1024", [fd for fd, _ in epoll.poll(0)] == [high])
        epoll.close()
        os.close(low)
        os.close(high)

        env = {**os.environ, "GEVENT_BACKEND": "select"}
        with probe.span("child", setting="GEVENT_BACKEND=select") as s:
            done = subprocess.run([sys.executable, "-c", GEVENT_SELECT_CHILD], env=env,
                                  capture_output=True, text=True, timeout=60)
            s.note(stdout=done.stdout.strip(), returncode=done.returncode)
        probe.check("gevent's libev select backend copes with descriptor 1024 on Linux",
                    done.stdout.split() == ["select", "x"], stdout=done.stdout.strip(),
                    stderr=done.stderr.strip()[-300:])
