#!/usr/bin/python3
"""A synthetic console for the benchmark: a tiny line-oriented "shell" on its stdin/stdout tty.

It echoes every key at once (the tty is put in raw mode, so the echo is ours), and on Enter runs the line:
  flood N   prints N bytes of 'x' (in lines of 78 plus CR LF), then FLOOD-END; Ctrl-C stops it
  anything else: nothing.
Then it prints the prompt "$ ". Arguments are ignored (yucon starts it with UML-style ones).
"""
import os
import select
import sys
import termios
import tty

PROMPT = b"$ "
LINE = 78


def flood(inp, out, n):
    """Ctrl-C (typed while it runs) stops it early, like an interrupted command."""
    block = (b"x" * LINE + b"\r\n") * 800          # 64,000 bytes, 62,400 of them 'x'
    per_block = LINE * 800
    while n >= per_block:
        write_all(out, block)
        n -= per_block
        if select.select([inp], [], [], 0)[0] and b"\x03" in os.read(inp, 4096):
            write_all(out, b"^C\r\n")
            return
    lines, rest = divmod(n, LINE)
    write_all(out, (b"x" * LINE + b"\r\n") * lines + b"x" * rest)
    write_all(out, b"\r\nFLOOD-END\r\n")


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def main():
    inp, out = sys.stdin.fileno(), sys.stdout.fileno()
    if os.isatty(inp):
        tty.setraw(inp, termios.TCSANOW)
    write_all(out, b"synthetic console ready\r\n" + PROMPT)
    line = bytearray()
    while True:
        data = os.read(inp, 4096)
        if not data:
            return
        for b in data:
            if b in (13, 10):
                write_all(out, b"\r\n")
                words = line.decode("ascii", "replace").split()
                if len(words) == 2 and words[0] == "flood" and words[1].isdigit():
                    flood(inp, out, int(words[1]))
                line.clear()
                write_all(out, PROMPT)
            else:
                line.append(b)
                write_all(out, bytes([b]))


if __name__ == "__main__":
    main()
