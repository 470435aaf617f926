"""What each greenlet variant showed, told from the run's facts (see concdemo.explain)."""

from concdemo.explain.template import Line, nearer

STORIES = {
    "switch": [
        Line("Every hand-over was an explicit switch(), and the prints came {printed}: g1.switch() started foo, foo switched to bar, bar switched back into foo exactly where it had stopped, and foo's second g2.switch() resumed bar.",
             "每次交接都是显式的 switch()，打印顺序是 {printed}：g1.switch() 启动 foo，foo 切换到 bar，bar 再切换回 foo 停下的地方，foo 的第二次 g2.switch() 恢复了 bar。"),
        Line("When bar returned, control went to its parent, the main greenlet, so foo stayed suspended in its last switch(): no scheduler picks who runs next.",
             "bar 返回后，控制权交给它的父 greenlet，也就是主 greenlet，所以 foo 一直停在它最后一次 switch() 里：没有调度器来决定下一个运行谁。",
             when=lambda f: f.checks_total > 0),  # the checks saw bar dead and foo suspended
    ],
    "args": [
        Line("The first switch() of each greenlet carried its argument (natasha, bob); the later ones carried none, and each lane took up where it stopped: {printed}.",
             "每个 greenlet 的第一次 switch() 带上了参数（natasha、bob）；之后的 switch() 不带参数，每条泳道都从停下的地方继续：{printed}。"),
    ],
    "blocking": [
        Line("time.sleep knows nothing about greenlets: while foo slept, bar could not run, and the other way round (never more than {sleep_peak} sleep at a time).",
             "time.sleep 对 greenlet 一无所知：foo 睡眠时 bar 无法运行，反过来也一样（同一时刻最多只有 {sleep_peak} 个睡眠）。",
             when=lambda f: f.sleep_peak == 1),
        Line("So the total, {phase_two_greenlets_sleep_s:.2f} s, is the sum of both sleeps ({phase_two_greenlets_sleep_theory_s:.2f} s), though the prints still came {printed}. Waiting in parallel needs something that switches on I/O: gevent.",
             "所以总耗时 {phase_two_greenlets_sleep_s:.2f} 秒，是两次睡眠之和（{phase_two_greenlets_sleep_theory_s:.2f} 秒），尽管打印顺序仍然是 {printed}。要并行等待，需要能在 I/O 时切换的东西：gevent。",
             when=lambda f: nearer(f.phase_two_greenlets_sleep_s, f.phase_two_greenlets_sleep_theory_s, f.delay)),
        Line("The two sleeps took {phase_two_greenlets_sleep_s:.2f} s in all; one alone is {delay:g} s and both together {phase_two_greenlets_sleep_theory_s:.2f} s.",
             "两次睡眠总共用了 {phase_two_greenlets_sleep_s:.2f} 秒；单独一次是 {delay:g} 秒，两次合计 {phase_two_greenlets_sleep_theory_s:.2f} 秒。",
             when=lambda f: not nearer(f.phase_two_greenlets_sleep_s, f.phase_two_greenlets_sleep_theory_s, f.delay)),
    ],
}
