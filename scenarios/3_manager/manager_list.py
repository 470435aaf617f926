"""Manager().list() is shared: five children append i**i to [11, 22, 33].

The list lives in the manager's server process; each child got a proxy and
its append() travelled to the server, so the parent sees all eight items
after joining the children. The order of the last five depends on which child
reached the server first.
"""

from multiprocessing import Manager, Process

from concdemo import probe

VARIANT = "list"
CLAIMS = ["M1"]
EXPECT = "ok"


def foo(shared, i):
    shared.append(i**i)
    probe.event("append", value=i**i)


if __name__ == "__main__":
    probe.start()
    man = Manager()  # starts the server process that owns the list
    ml = man.list([11, 22, 33])
    children = []
    for i in range(5):
        p = Process(target=foo, args=(ml, i))
        p.start()
        children.append(p)
    for p in children:  # 必须要join: the children must finish before the parent reads or leaves
        p.join()
    result = list(ml)
    probe.event("result", list=result)
    probe.check("the list has 8 items: 11, 22, 33 and i**i for i in 0..4",
                sorted(result) == sorted([11, 22, 33, *(i**i for i in range(5))]), list=result)
