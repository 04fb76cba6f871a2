"""The floor of one extra SSH hop on loopback, with OpenSSH alone (issue 22's relay target, BENCHMARKS.md):
`ssh host cat` against `ssh -J host host cat` (the jump is a second sshd session forwarding the stream, with its own
decryption and encryption), interleaved rounds. Echo: single bytes written to the remote `cat`, each awaited (p50,
p99). Throughput: `head -c N /dev/zero` read to the end, timed with the login, and the CPU of the client and every
sshd process (sshd's reaped children) per MB.

    python3 bench/hopfloor.py SCRATCH_DIR ROUNDS MB       (SCRATCH_DIR is emptied; runs its own sshd, as root)
"""
import os, subprocess, sys, time, statistics, socket, shutil
from pathlib import Path

d = Path(sys.argv[1]); rounds = int(sys.argv[2]); mb = int(sys.argv[3]); keys = 300
shutil.rmtree(d, ignore_errors=True); d.mkdir(parents=True)
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / "host")], check=True)
subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / "user")], check=True)
(d / "ak").write_text((d / "user.pub").read_text())
Path("/run/sshd").mkdir(exist_ok=True)
(d / "cfg").write_text("\n".join([f"Port {port}", "ListenAddress 127.0.0.1", "ListenAddress 127.0.0.2", f"HostKey {d/'host'}", f"PidFile {d/'pid'}",
    f"AuthorizedKeysFile {d/'ak'}", "PermitRootLogin yes", "PasswordAuthentication no", "UsePAM no", "StrictModes no",
    "UseDNS no", "AllowTcpForwarding yes", ""]))
sshd = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(d / "cfg")], stderr=open(d / "log", "w"))
opts = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "BatchMode=yes",
        "-o", "IdentitiesOnly=yes", "-i", str(d / "user"), "-o", "ControlMaster=no", "-o", "ControlPath=none"]
hop = f"root@127.0.0.2:{port}"   # another address: ssh refuses a jump to the target itself
def argv(way, cmd):
    j = ["-J", hop] if way == "jump" else []
    # The jump's own ssh takes its options from ssh_config only: give it ours through -F.
    return ["ssh", "-F", str(d / "sshcfg"), *opts, *j, "-p", str(port), "root@127.0.0.1", cmd]
(d / "sshcfg").write_text("Host *\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n"
                          f"  IdentityFile {d/'user'}\n  IdentitiesOnly yes\n  BatchMode yes\n")
def sshd_cpu():
    f = open(f"/proc/{sshd.pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[13]) + int(f[14])) / os.sysconf("SC_CLK_TCK")   # cutime + cstime: its reaped sessions
def echo(way):
    p = subprocess.Popen(argv(way, "cat"), stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    p.stdin.write(b"w"); p.stdout.read(1)
    t = []
    for _ in range(keys):
        a = time.perf_counter(); p.stdin.write(b"x"); p.stdout.read(1); t.append((time.perf_counter() - a) * 1000)
    p.stdin.close(); p.wait(); t.sort()
    return t[len(t) // 2], t[int(len(t) * 0.99)]
def flood(way):
    c0 = os.times(); s0 = sshd_cpu(); a = time.perf_counter()
    subprocess.run(argv(way, f"head -c {mb * 10**6} /dev/zero"), stdout=subprocess.DEVNULL, check=True)
    w = time.perf_counter() - a; time.sleep(0.2); c1 = os.times()
    cpu = (c1.children_user - c0.children_user) + (c1.children_system - c0.children_system) + sshd_cpu() - s0
    return mb / w, cpu * 1000 / mb
try:
    time.sleep(1)
    res = {"direct": [], "jump": []}
    for r in range(rounds):
        for way in (("direct", "jump") if r % 2 == 0 else ("jump", "direct")):
            e = echo(way); f = flood(way)
            res[way].append(e + f)
            print(f"round {r} {way}: echo p50 {e[0]:.3f} ms p99 {e[1]:.3f} ms; {f[0]:.1f} MB/s, {f[1]:.1f} ms CPU/MB; load {os.getloadavg()[0]:.2f}", flush=True)
    for way, v in res.items():
        print(f"{way}: p50 {statistics.median(x[0] for x in v):.3f} ms p99 {statistics.median(x[1] for x in v):.3f} ms "
              f"{statistics.median(x[2] for x in v):.1f} MB/s {statistics.median(x[3] for x in v):.1f} ms CPU/MB")
    print("per-round p50 delta", " ".join(f"{j[0]-dd[0]:+.3f}" for dd, j in zip(res["direct"], res["jump"])),
          "tput ratio", " ".join(f"{j[2]/dd[2]:.2f}" for dd, j in zip(res["direct"], res["jump"])))
finally:
    sshd.terminate(); sshd.wait()
