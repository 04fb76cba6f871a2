"""yucon's benchmark harness as a package (bench/bench.py parses the arguments and runs the steps in order).

procs      processes by pid, /proc figures          term       programs on a pty the harness holds
workloads  `uml` and `syn`                          peers      one class per peer: how a client reaches a console
figures    what a measurement yields (dataclasses)  harness    the measurements                report  the report
"""
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
SSH_OPTS = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
            "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "ControlMaster=no", "-o", "ControlPath=none"]
# busybox ash asks for the cursor position (ESC [6n) after its prompt; nobody has to answer.
PROMPT_END = rb"# (?:\x1b\[6n)?$"
