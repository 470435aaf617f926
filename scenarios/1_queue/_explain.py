"""What each queue variant showed, told from the run's facts (see concdemo.explain)."""

from concdemo.explain.template import Line


def _ok(f):
    return f.outcome == "ok"


def _hung(f):
    return f.outcome == "hang"


STORIES = {
    "global-queue": [
        Line("The module-level line q = Queue() ran in {made} process: {made_by}.",
             "模块级的 q = Queue() 这一行在 {made} 个进程中运行过：{made_by}。",
             when=lambda f: f.made == 1),
        Line("The module-level line q = Queue() ran in {made} processes: {made_by}.",
             "模块级的 q = Queue() 这一行在 {made} 个进程中运行过：{made_by}。",
             when=lambda f: f.made != 1),
        Line("Under {start_method} the child is a copy of the parent, module-level queue included: it put {put_item} into the parent's own queue and get() received it, so the article's claim does not hold here.",
             "在 {start_method} 下，子进程是父进程的副本，模块级的队列也一样：子进程把 {put_item} 放进了父进程自己的队列，get() 收到了它，所以文章的说法在这里不成立。",
             when=_ok),
        Line("The child re-ran the module and made a queue of its own: it put {put_item} into that one, while the parent waited in get() on its own, empty queue. Under {start_method} the article's claim holds.",
             "子进程重新运行了模块，创建了自己的队列：它把 {put_item} 放进了那个队列，而父进程在自己那个空队列上的 get() 中等待。在 {start_method} 下文章的说法成立。",
             when=_hung),
    ],
    "main-guard-queue": [
        Line("Under {start_method} the child is a copy of the parent taken after q was assigned, so foo() found the global q, put {put_item}, and the parent got it: no NameError.",
             "在 {start_method} 下，子进程是在 q 赋值之后复制出来的父进程副本，所以 foo() 找到了全局变量 q，放入 {put_item}，父进程收到了它：没有 NameError。",
             when=_ok),
        Line("The child imported the script as __mp_main__, so the guarded block never ran there: foo() failed with {error_type} ({error_message}), and the parent waited in get() for an item that never came.",
             "子进程以 __mp_main__ 的身份导入脚本，所以被保护的代码块在那里从未运行：foo() 以 {error_type}（{error_message}）失败，父进程则在 get() 中等待一个永远不会来的元素。",
             when=_hung),
    ],
    "passed-queue": [
        Line("The parent handed its queue to the child through Process(args=...); the child put {put_item} into that very queue and the parent's get() returned it.",
             "父进程通过 Process(args=...) 把队列交给子进程；子进程把 {put_item} 放进了这个队列，父进程的 get() 拿到了它。"),
        Line("The module-level code (the article's print('test')) ran once, in the parent only: under {start_method} the child did not import the script again.",
             "模块级代码（文章中的 print('test')）只运行了一次，只在父进程中：在 {start_method} 下子进程没有再次导入脚本。",
             when=lambda f: f.module_level_code_ran_count == 1),
        Line("The module-level code (the article's print('test')) ran {module_level_code_ran_count} times: under {start_method} the child imported the script again as __mp_main__.",
             "模块级代码（文章中的 print('test')）运行了 {module_level_code_ran_count} 次：在 {start_method} 下子进程以 __mp_main__ 的身份再次导入了脚本。",
             when=lambda f: f.module_level_code_ran_count > 1),
        Line("Under forkserver Python may warn at exit about leaked semaphores: the module-level queue each child made on re-import is never cleaned up.",
             "在 forkserver 下，Python 退出时可能会警告有泄漏的信号量：每个子进程重新导入时创建的模块级队列从未被清理。",
             when=lambda f: f.start_method == "forkserver" and f.module_level_code_ran_count > 1),
    ],
    "put-timeout": [
        Line("The queue held one item, so put(timeout={timeout:g}) waited {timed_wait:.2f} s and raised queue.Full; put(block=False) and put_nowait() raised it at once ({at_once_wait:.2f} s).",
             "队列只能放一个元素，所以 put(timeout={timeout:g}) 等了 {timed_wait:.2f} 秒后抛出 queue.Full；put(block=False) 和 put_nowait() 在 {at_once_wait:.2f} 秒后、也就是立刻抛出了它。"),
        Line("Then a consumer took the first item while the parent was blocked in put(): the put went through after {put_waited_s:.2f} s, as soon as there was room.",
             "然后，在父进程阻塞于 put() 时，一个消费者取走了第一个元素：put 在 {put_waited_s:.2f} 秒后、一有空位就完成了。"),
    ],
    "get-timeout": [
        Line("Nothing had been put, so get(timeout={timeout:g}) waited {timed_wait:.2f} s and raised queue.Empty; get(block=False) and get_nowait() raised it at once ({at_once_wait:.2f} s).",
             "队列里什么都没有，所以 get(timeout={timeout:g}) 等了 {timed_wait:.2f} 秒后抛出 queue.Empty；get(block=False) 和 get_nowait() 立刻抛出了它（{at_once_wait:.2f} 秒）。"),
        Line("Then a producer put {put_item!r} while the parent was blocked in get(): the get returned after {get_waited_s:.2f} s, as soon as the item arrived.",
             "然后，在父进程阻塞于 get() 时，一个生产者放入了 {put_item!r}：get 在 {get_waited_s:.2f} 秒后、元素一到就返回了。"),
    ],
    "stale-size": [
        Line("Both consumers asked empty() and heard False; one of them got the bun and the other found nothing: its check had gone stale between the check and the act.",
             "两个消费者都调用了 empty()，得到的都是 False；其中一个拿到了包子，另一个什么也没拿到：它的检查在“检查”和“行动”之间已经过时了。",
             when=lambda f: f.stale_count > 0 and f.get_count > 0),
        Line("In one process too: right after put(), qsize() said {right_after_put_qsize} while empty() said {right_after_put_empty}; a moment later qsize() said {a_moment_later_qsize} and empty() {a_moment_later_empty}.",
             "即使在同一个进程里：刚 put() 之后，qsize() 说 {right_after_put_qsize}，而 empty() 说 {right_after_put_empty}；过了一会儿，qsize() 说 {a_moment_later_qsize}，empty() 说 {a_moment_later_empty}。",
             when=lambda f: f.right_after_put_empty != f.a_moment_later_empty),
        Line("In one process, right after put(), qsize() said {right_after_put_qsize} and empty() said {right_after_put_empty}: this time the feeder thread was quick enough.",
             "在同一个进程里，刚 put() 之后，qsize() 说 {right_after_put_qsize}，empty() 说 {right_after_put_empty}：这一次后台线程足够快。",
             when=lambda f: f.right_after_put_empty == f.a_moment_later_empty),
    ],
    "close": [
        Line("The producer closed its queue and exited (exit code {producer_gone_exitcode}); the parent got {get_item!r}, then its next get() waited {close_wait:.2f} s, until its timeout, and raised queue.Empty: close() sends no end-of-data signal.",
             "生产者关闭了它的队列并退出（退出码 {producer_gone_exitcode}）；父进程拿到了 {get_item!r}，接着下一个 get() 一直等了 {close_wait:.2f} 秒，直到超时，抛出 queue.Empty：close() 不会发送“数据结束”的信号。"),
        Line("After the parent closed its own handle too, put() raised {raised_type}.",
             "父进程也关闭自己的句柄之后，put() 抛出了 {raised_type}。"),
    ],
    "join-deadlock": [
        Line("The child put {put_bytes} bytes, far more than the pipe holds, so its feeder thread waited for a reader before the child could exit; the parent, the only reader, waited in join() for the child to exit: a deadlock. Run again with --param fixed=true to get() first.",
             "子进程放入了 {put_bytes} 字节，远远超过管道的容量，所以它的后台（feeder）线程要等有人读取，子进程才能退出；而唯一的读者，父进程，正在 join() 中等子进程退出：死锁。用 --param fixed=true 再运行一次，先 get()。",
             when=lambda f: _hung(f) and not f.fixed),
        Line("With fixed=true the parent got the {get_bytes} bytes first, which let the child's feeder finish and the child exit; join() then returned with exit code {join_exitcode}.",
             "使用 fixed=true 时，父进程先取走了 {get_bytes} 字节，子进程的后台线程得以写完，子进程退出；随后 join() 返回，退出码为 {join_exitcode}。",
             when=lambda f: _ok(f) and f.fixed),
    ],
}


def extra_facts(result, facts):
    found = {}
    made = [e for e in result.events if e.kind == "module-level Queue() created"]
    if made:
        found["made"] = len(made)
        found["made_by"] = ", ".join(sorted({e.process for e in made}))
    puts = [e.detail["item"] for e in result.events if e.kind == "put" and "item" in e.detail]
    if puts and isinstance(puts[0], list):
        found["put_item"] = repr(puts[0])
    waits = [c.detail["waited_s"] for c in result.checks if "waited_s" in c.detail]
    if len(waits) >= 2:
        found.update(timed_wait=waits[0], at_once_wait=waits[1])
    if waits and result.spec.variant.name == "close":
        found["close_wait"] = waits[0]
    return found
