"""What each deadlock variant showed, told from the run's facts (see concdemo.explain).

The cycle itself (who holds which lock, who waits for it) is told by the
wait-for graph's own sentence (concdemo/explain/waits.py); these say what the
workers got done.
"""

from concdemo.explain.template import Line

_STUCK = Line(
    "Each worker took its first lock ({took_count} taken in all) and none got its second.",
    "每个工作者都拿到了第一把锁（总共拿到 {took_count} 次），但没有一个拿到第二把。",
    when=lambda f: f.outcome == "hang",
)
_DONE = Line(
    "Both workers took lock_a and then lock_b, one after the other ({took_count} taken in all), and both ended: with one order, no worker held a lock the other waited for while it waited itself.",
    "两个工作者都先拿 lock_a 再拿 lock_b，一个接一个（总共拿到 {took_count} 次），并且都结束了：只有一种顺序时，没有哪个工作者会在自己等待的同时持有对方在等的锁。",
    when=lambda f: f.outcome == "ok",
)

STORIES = {
    "processes": [_STUCK],
    "threads": [_STUCK],
    "processes-ordered": [_DONE],
    "threads-ordered": [_DONE],
}
