#!/usr/bin/env python3
"""Times two commands in turn (A B A B ...) and prints each one's median wall and CPU time and the medians of the
ratios A/B taken pair by pair, which hold when the machine's speed drifts during the run.

    bench/paired.py [--runs N] [--warmup N] [--cwd DIR] --label NAME -- COMMAND_A... --vs COMMAND_B...

CPU time is the child's user plus system time as the kernel accounts it (wait4), wall time the time from start to reaping.
Output is thrown away. Exits 1 when a command fails.
"""
import argparse
import os
import statistics
import sys
import time


def run_once(command, cwd):
    # posix_spawn, not subprocess: a fork of the Python process would add milliseconds of its own to every wall time.
    devnull = os.open(os.devnull, os.O_RDWR)
    here = os.getcwd()
    try:
        os.chdir(cwd)
        start = time.perf_counter()
        pid = os.posix_spawnp(command[0], command, os.environ,
                              file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)])
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
    finally:
        os.chdir(here)
        os.close(devnull)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"error: {' '.join(command)} exited with {code}")
    return wall, usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--cwd", default=".")
    parser.add_argument("--label", default="command")
    parser.add_argument("commands", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    words = args.commands[1:] if args.commands[:1] == ["--"] else args.commands
    if "--vs" not in words:
        parser.error("give COMMAND_A... --vs COMMAND_B...")
    split = words.index("--vs")
    a, b = words[:split], words[split + 1:]

    for _ in range(args.warmup):
        run_once(a, args.cwd)
        run_once(b, args.cwd)
    pairs = [(run_once(a, args.cwd), run_once(b, args.cwd)) for _ in range(args.runs)]

    def median(values):
        return statistics.median(values)

    wall_a, wall_b = median([p[0][0] for p in pairs]), median([p[1][0] for p in pairs])
    cpu_a, cpu_b = median([p[0][1] for p in pairs]), median([p[1][1] for p in pairs])
    wall_ratio = median([p[0][0] / p[1][0] for p in pairs])
    cpu_ratio = median([p[0][1] / p[1][1] for p in pairs if p[1][1] > 0])
    print(f"{args.label:<28} A {wall_a * 1000:6.2f} ms wall {cpu_a * 1000:6.2f} ms cpu | "
          f"B {wall_b * 1000:6.2f} ms wall {cpu_b * 1000:6.2f} ms cpu | "
          f"A/B paired median: wall {wall_ratio:.3f}, cpu {cpu_ratio:.3f} ({args.runs} pairs)")


if __name__ == "__main__":
    main()
