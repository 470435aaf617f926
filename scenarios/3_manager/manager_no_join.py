"""Skip the join and the children fail: the manager shuts down when the parent ends.

This is the list example without the join loop. The parent starts the five
children, prints the list at once (usually still [11, 22, 33]) and reaches the
end of the script. At exit, multiprocessing shuts the manager's server down
first and only then waits for the children, so when a child finally calls
append() its proxy has nobody to talk to and the child dies: here with
FileNotFoundError, because the stopped server removed its socket file (a
server that goes away in the middle of a call gives BrokenPipeError,
ConnectionResetError or EOFError instead). That is the article's
"必须要join,不然会执行报错". Run again with --param fixed=true to join first:
every append arrives and the run ends ok.
"""

import time
from multiprocessing import Manager, Process

from concdemo import probe

VARIANT = "no-join"
CLAIMS = ["M3"]
EXPECT = "error"
EXPECT_WITH = [("fixed", True, "ok")]  # --param fixed=true runs the fix
# How a proxy fails depends on how far the manager's shutdown got when it called.
ERRORS = ["FileNotFoundError", "ConnectionRefusedError", "ConnectionResetError",
          "BrokenPipeError", "EOFError"]


def foo(shared, i):
    time.sleep(0.2)  # a moment of real work: by now the parent has reached its end
    shared.append(i**i)
    probe.event("append", value=i**i)


if __name__ == "__main__":
    params = probe.start()
    man = Manager()
    ml = man.list([11, 22, 33])
    children = []
    for i in range(5):
        p = Process(target=foo, args=(ml, i))
        p.start()
        children.append(p)
    if params.fixed:
        for p in children:  # the article's join loop: wait while the manager still runs
            p.join()
    probe.event("result", list=list(ml))
    # The end of the script: multiprocessing's exit handler stops the manager,
    # then waits for the children that are still running.
