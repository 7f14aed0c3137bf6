"""Long work releases the GIL: another Python thread keeps running while
an exact computation of about a second is under way."""

import threading
import time

import relu_trainability as rt


def test_exact_summary_releases_the_gil():
    done = threading.Event()
    result = {}

    def work():
        start = time.perf_counter()
        result["bd"] = rt.summary([64] * 64).born_dead
        result["seconds"] = time.perf_counter() - start
        done.set()

    t = threading.Thread(target=work)
    ticks = 0
    t.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    t.join()
    # with the GIL held the loop could not run while the work runs (a few
    # ticks at most); released, it ticks about once per millisecond
    assert result["seconds"] > 0.1
    assert ticks >= 20, (ticks, result["seconds"])
