"""Producer and consumer each close the pipe end they do not use, so the consumer sees EOFError and stops.

The article's bun (包子) example. The consumer child closed the producer's end;
the producer closed the consumer's end; the main process closed both of its
copies after producing. When the last copy of the sending end was closed in
every process, the consumer's recv() raised EOFError and the loop ended: no
sentinel value was needed, because the operating system counts the open ends.
"""

from multiprocessing import Pipe, Process

from concdemo import probe

VARIANT = "producer-consumer"
CLAIMS = ["P5"]
EXPECT = "ok"


def consumer(p, name):
    left, right = p
    left.close()
    received = 0
    while True:
        try:
            baozi = right.recv()
            received += 1
            probe.event("recv", msg=f"{name} 收到包子:{baozi}")
        except EOFError:
            probe.event("EOFError", received=received)
            right.close()
            break


def producer(seq, p):
    left, right = p
    right.close()
    for i in seq:
        probe.event("send", baozi=i)
        left.send(i)
    else:
        left.close()


if __name__ == "__main__":
    params = probe.start()
    left, right = Pipe()
    c1 = Process(target=consumer, args=((left, right), "c1"))
    c1.start()
    seq = (i for i in range(params.items))
    producer(seq, (left, right))
    right.close()
    left.close()
    c1.join()
    probe.event("done", msg="主进程")
    probe.check("the consumer ended by itself after EOFError", c1.exitcode == 0)
