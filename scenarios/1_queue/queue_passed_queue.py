"""Pass the queue to the child as an argument, and it works under every start method.

The parent makes x under the main guard and hands it to the child through
Process(args=(x,)); the child puts [11, 'hello', True] into that very queue and
the parent's get() returns it. Passing the object is what works everywhere: it
is inherited under fork and pickled (pipe handle and locks included) under
spawn and forkserver. The "module-level code ran" events stand for the
article's print('test'): the module-level lines run once under fork (only the
parent ran the file) but once more in every spawned child, module-level
Queue() included, because it imports the script again as __mp_main__. Under
forkserver each child re-imports it as well; on Pythons with the fix for
CPython gh-126631 the fork server imports it once instead and its children
inherit that copy.
"""

import multiprocessing

from concdemo import probe

VARIANT = "passed-queue"
CLAIMS = ["Q3"]
EXPECT = "ok"
NOTES = {
    "forkserver": "Python may warn at exit about leaked semaphores: the module-level queue "
    "each child made on re-import is never cleaned up.",
}


def foo(argument):
    argument.put([11, "hello", True])
    probe.event("put", item=[11, "hello", True], qsize=argument.qsize())


q = multiprocessing.Queue()  # a module-level queue, unused: the article's foo(q) is commented out
probe.event("module-level code ran", module=__name__)  # the article's print('test')

if __name__ == "__main__":
    probe.start()
    x = multiprocessing.Queue()
    p = multiprocessing.Process(target=foo, args=(x,))  # hand the queue itself to the child
    p.start()
    item = x.get()
    probe.event("get", item=item)
    p.join()
    probe.check("the parent got the child's list through the passed queue",
                item == [11, "hello", True])
