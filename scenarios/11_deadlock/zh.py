"""Chinese (zh) for the deadlock scenario: per text, a hash of its English source, then the translation.

See scenarios/README.md (translations); after changing an English text,
update its Chinese, then `python scripts/i18n_hashes.py deadlock KEY --write`.
"""

TEXTS = {
    "title": ("60c23f2c", "死锁：两把锁以相反的顺序获取，用进程和用线程"),
    "summary": ("96980f12", "每个工作者持有一把锁，并等待另一个工作者持有的那把：谁都无法继续，谁也不会放手。没有异常，也没有输出；程序只是不再前进。concdemo 在挂起超时后停止它，并指出这个环：谁持有哪把锁，谁在等它。修正的做法是处处按同一顺序获取这些锁，就放在每个有问题的变体旁边。"),
    "variant/processes/title": ("865605f5", "两个进程以相反的顺序获取两把 Lock，各自永远等待对方。"),
    "variant/processes/explanation": ("e0d23dc3", "Process-1 先拿 lock_a 再要 lock_b；Process-2 先拿 lock_b 再要 lock_a。一个屏障（barrier）保证两者都先持有第一把锁，然后才去要第二把，所以死锁每次都会发生，而不是偶尔发生。两把锁都不会被释放，父进程则在 join() 中等待。concdemo 在挂起超时后停止这次运行并指出这个环；processes-ordered 是修正版。"),
    "variant/processes-ordered/title": ("2c703283", "修正：两个进程都先拿 lock_a，再拿 lock_b，于是都能结束。"),
    "variant/processes-ordered/explanation": ("e0dc90a9", "与 processes 变体相同的两个工作者和同一个屏障，只是总按同一顺序获取锁。谁先拿到 lock_a，谁也就能拿到 lock_b；另一个等待 lock_a，它会被释放，然后再依次拿到两把锁。等待形成环需要两种顺序：只有一种顺序时，就不会有环。"),
    "variant/threads/title": ("7f2e9d49", "两个线程以相反的顺序获取两把 Lock，各自永远等待对方。"),
    "variant/threads/explanation": ("ac21224d", "同样的故事发生在一个进程内：线程 T1 先拿 lock_a 再要 lock_b，T2 先拿 lock_b 再要 lock_a。threading.Lock 不知道谁持有它；concdemo 从每个线程所在的 with 块读出持有者，并注明这是推断的。主线程在 join() 中等待。threads-ordered 是修正版。"),
    "variant/threads-ordered/title": ("538e5708", "修正：两个线程都先拿 lock_a，再拿 lock_b，于是都能结束。"),
    "variant/threads-ordered/explanation": ("6f26d224", "与 threads 变体相同的两个线程和同一个屏障，只是总按同一顺序获取锁，所以没有哪个线程会在持有另一个持有者正在等的锁的同时，去等待对方的锁。"),
    "tour": ("4f97f0c4", "最后，程序为什么会挂起：两个进程以相反的顺序获取两把锁，各自等待对方的那把。concdemo 停止它并指出这个环；按同一顺序获取锁就能结束。"),
    "check/both workers finished": ("1e1ad6e1", "两个工作者都结束了"),
    "check/both threads finished": ("18d9e971", "两个线程都结束了"),
}
