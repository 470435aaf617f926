"""Manager().dict() is shared: five children set d[i] = 'a' next to {'name': 'bob'}.

Like the list, the dict lives in the manager's server process, and each
child's `d[k] = v` was sent there through its proxy. After joining the
children the parent sees six keys: 'name' and 0 to 4.
"""

from multiprocessing import Manager, Process

from concdemo import probe

VARIANT = "dict"
CLAIMS = ["M2"]
EXPECT = "ok"


def foo(d, k, v):
    d[k] = v
    probe.event("set", key=k, value=v)


if __name__ == "__main__":
    probe.start()
    man = Manager()
    md = man.dict({"name": "bob"})
    children = []
    for i in range(5):
        p = Process(target=foo, args=(md, i, "a"))
        p.start()
        children.append(p)
    for p in children:  # 必须要join
        p.join()
    result = dict(md)
    probe.event("result", dict=result)
    probe.check("the dict has 6 keys: 'name' and 0 to 4",
                result == {"name": "bob", 0: "a", 1: "a", 2: "a", 3: "a", 4: "a"}, dict=result)
