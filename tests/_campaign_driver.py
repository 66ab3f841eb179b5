"""Run many ``ceasefire`` command lines fast, each isolated in a forked child.

Used by ``tests/test_campaign.py``. Importing the CLI costs about a second; forking a
child per case after one import costs milliseconds, so a campaign of a few hundred
malformed inputs runs in seconds while each case still gets its own process: its own
memory limit (RLIMIT_AS), CPU limit, wall-clock limit (the parent kills a hung child),
working directory, standard input and output files.

Protocol: a JSON list of cases on stdin, each ``{"id", "argv", "cwd", "stdin"?,
"timeout"?, "mem_mb"?, "close_stdout_after"?}``; a JSON list of results on stdout, each
``{"id", "rc", "signal", "timed_out", "stdout", "stderr", "wall"}``.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import time


def _child(case: dict, out_path: str, err_path: str) -> None:  # pragma: no cover - child
    try:
        os.chdir(case["cwd"])
        mem = int(case.get("mem_mb", 3072)) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        cpu = int(case.get("timeout", 60)) + 5
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        stdin_path = case.get("stdin") or os.devnull
        fd_in = os.open(stdin_path, os.O_RDONLY)
        os.dup2(fd_in, 0)
        if case.get("broken_pipe"):
            r, w = os.pipe()
            os.close(r)  # the reader is gone: writes raise EPIPE / BrokenPipeError
            os.dup2(w, 1)
        else:
            fd_out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd_out, 1)
        fd_err = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd_err, 2)
        sys.stdin = open(0, closefd=False)
        sys.stdout = open(1, "w", closefd=False)
        sys.stderr = open(2, "w", closefd=False)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL if case.get("sigpipe_dfl") else signal.SIG_IGN)
        os.umask(int(case.get("umask", 0o022)))
        for k, v in case.get("env", {}).items():
            os.environ[k] = v
        sys.argv = ["ceasefire", *case["argv"]]
        from ceasefire.cli import main

        if case.get("sigint_after"):  # a user's Ctrl-C while the command runs
            signal.setitimer(signal.ITIMER_REAL, float(case["sigint_after"]))
            signal.signal(signal.SIGALRM, lambda *_: os.kill(os.getpid(), signal.SIGINT))
        rc = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code
            rc = code if isinstance(code, int) else (0 if code is None else 1)
        try:
            sys.stdout.flush()
        except BaseException:
            pass
        try:
            sys.stderr.flush()
        except BaseException:
            pass
        os._exit(rc)
    except BaseException:
        import traceback

        try:
            traceback.print_exc()
            sys.stderr.flush()
        finally:
            os._exit(99)


def run_cases(cases: list[dict], scratch: str) -> list[dict]:
    results = []
    for i, case in enumerate(cases):
        out_path = os.path.join(scratch, f"{i}.out")
        err_path = os.path.join(scratch, f"{i}.err")
        t0 = time.monotonic()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            _child(case, out_path, err_path)
        timeout = float(case.get("timeout", 60))
        timed_out = False
        status = 0
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() - t0 > timeout:
                timed_out = True
                os.kill(pid, signal.SIGKILL)
                _, status = os.waitpid(pid, 0)
                break
            time.sleep(0.005)
        wall = time.monotonic() - t0

        def _read(p: str) -> str:
            try:
                with open(p, "rb") as fh:
                    return fh.read(200_000).decode("utf-8", "replace")
            except OSError:
                return ""

        results.append(
            {
                "id": case["id"],
                "rc": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                "timed_out": timed_out,
                "stdout": _read(out_path),
                "stderr": _read(err_path),
                "wall": wall,
            }
        )
    return results


def main() -> None:
    cases = json.load(sys.stdin)
    scratch = sys.argv[1]
    # Import once in the parent so each fork starts warm (the package loads lazily: touch
    # every public name and the heavy libraries the commands use).
    import ceasefire
    import ceasefire.cli

    for name in ceasefire.__all__:
        getattr(ceasefire, name)
    for mod in ("scipy.optimize", "scipy.stats", "pandas", "rich.table", "rich.progress"):
        __import__(mod)

    json.dump(run_cases(cases, scratch), sys.stdout)


if __name__ == "__main__":
    main()
