"""Running one measured child process: wall time, peak RSS and exit status."""

import os
import subprocess
import threading
import time


def run_process(cmd, env, log_path, timeout):
    """Runs cmd with stdout and stderr to log_path and returns rc, wall_s (spawn to exit),
    spawn_wall (time.time() just before the spawn), peak_rss_kb (the child's maximum resident
    set size from wait4, which covers the descendants it waited for, such as compiler
    workers) and last_line (the log's last line, the reason when it failed). A child that
    runs past timeout seconds is killed."""
    with open(log_path, "w") as log:
        log.write("$ " + " ".join(cmd) + "\n")
        log.flush()
        spawn_wall = time.time()
        start = time.perf_counter()
        try:
            p = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL)
        except OSError as e:
            return {"rc": 127, "wall_s": 0.0, "spawn_wall": spawn_wall, "peak_rss_kb": 0,
                    "last_line": str(e)}
        timer = threading.Timer(timeout, p.kill)
        timer.start()
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
    rc = p.returncode
    last = ""
    with open(log_path, errors="replace") as f:
        lines = [line.strip() for line in f if line.strip()]
    if lines:
        last = lines[-1][:300]
    if rc < 0:
        last = f"killed by signal {-rc}" + (f" after the {timeout} s timeout"
                                            if wall >= timeout else "") + f" ({last})"
    return {"rc": rc, "wall_s": wall, "spawn_wall": spawn_wall, "peak_rss_kb": usage.ru_maxrss,
            "last_line": last}
