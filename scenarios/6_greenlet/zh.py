"""Chinese (zh) for the greenlet scenario: per text, a hash of its English source, then the translation.

See scenarios/README.md (translations); after changing an English text,
update its Chinese, then `python scripts/i18n_hashes.py greenlet KEY --write`.
"""

TEXTS = {
    "title": ("9a185a0e", "greenlet：手动切换（ok1..ok4）、第一次 switch 时传参、阻塞的 sleep"),
    "summary": ("de2bce70", "greenlet 是一种需要手动切换的协程：g.switch() 跳进它，另一个 switch() 再跳回来，都在同一个线程上。参数只在第一次 switch 时传入。没有任何东西会自动切换，所以像 time.sleep 这样的阻塞调用会让所有 greenlet 停下，节省不了时间。"),
    "param/delay": ("e9edda1a", "blocking 变体中每个 greenlet 用 time.sleep 睡眠的秒数"),
    "variant/switch/title": ("4a0755fd", "greenlet.switch() 显式地交出控制权：ok1、ok2、ok3、ok4。"),
    "variant/switch/explanation": ("3f54f2ab", "g1.switch() 启动了 foo，它打印 ok1 后切换到 bar；bar 打印 ok2 后切换回 foo，恰好回到它停下的地方，于是 foo 打印 ok3；foo 的第二次 g2.switch() 恢复了 bar，bar 打印 ok4。每一次交接都写在代码里：没有调度器来决定下一个由谁运行。bar 返回时，控制权交给了它的父 greenlet（主 greenlet），所以 foo 再也没能越过它的最后一次 switch：它一直停在那里，直到被垃圾回收。"),
    "variant/args/title": ("6e747a01", "参数随第一次 switch 传入：natasha 吃饭，bob 玩手机，轮流进行。"),
    "variant/args/explanation": ("45601ebe", "gr1.switch(name='natasha') 启动了 eat('natasha')；eat 中的 gr2.switch('bob') 启动了 play_phone('bob')。之后的 switch 都不带参数：已经启动的 greenlet 从它停下的地方继续，用的还是第一次得到的名字（传给之后某次 switch() 的值，会成为它正暂停在其中的那次 switch() 的返回值）。两条泳道轮流运行：natasha eat food 1、bob play 1、natasha eat food 2、bob play 2。"),
    "variant/blocking/title": ("39b9a944", "单靠 greenlet 节省不了时间：time.sleep 会阻塞所有 greenlet，所以睡眠时间会累加。"),
    "variant/blocking/explanation": ("9932755b", "foo 和 bar 各自用 time.sleep 睡一会儿，然后切换到对方。greenlet 只在显式的 switch() 处交换控制权；它对 I/O 一无所知，所以 foo 睡着时 bar 无法运行，反之亦然。时间线上的 sleep 条一个接着一个，总耗时是两次睡眠之和。要并行地等待，需要能在 I/O 时自动切换的东西：那就是 gevent（见 `concdemo run gevent`）。"),
    "tour": ("6dfadea9", "greenlet 靠手动切换：跟着 ok1 到 ok4 在 foo 和 bar 之间跳转，然后看参数只在第一次 switch 时传入。"),
    "check/natasha and bob take turns in the article's order": ("ab516bf5", "natasha 和 bob 按文章的顺序轮流"),
    "check/the switches still print ok1, ok2, ok3, ok4": ("92d37478", "切换仍然打印 ok1、ok2、ok3、ok4"),
    "check/bar's sleep began only after foo's ended": ("27bd4ffa", "bar 的 sleep 在 foo 的结束之后才开始"),
    "check/total = the sum of both sleeps, no time saved": ("a6ed391c", "总耗时 = 两次 sleep 之和，没有节省时间"),
    "check/the switches print ok1, ok2, ok3, ok4 in that order": ("f0d30d01", "切换按顺序打印 ok1、ok2、ok3、ok4"),
    "check/bar ran to its end and handed control back to main": ("c2bffbe3", "bar 运行到结束，并把控制权交回 main"),
    "check/foo is still suspended in its second g2.switch()": ("5d4b9598", "foo 仍挂起在它的第二个 g2.switch() 中"),
}
