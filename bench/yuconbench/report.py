"""The report (BENCHMARKS.md) from the harness's figures."""
import subprocess
from pathlib import Path

from .figures import fmt, med
from .peers import PEERS, RELAY, SSHD
from .procs import loadavg, machine


def cold_figures(b):
    """The warm-up's own figures: what a freshly started gateway does."""
    rec = b.cold
    if rec is None:
        return "There was no warm-up."
    if rec.failed:
        return f"The warm-up failed ({rec.failed})."
    runs = "; ".join(f"`{w}` " + ", ".join("failed" if r.failed else fmt(r.p99, ".2f")
                                           for v, r in b.warming if v == w)
                     for w in b.args.workloads if any(v == w for v, _ in b.warming))
    then = f"; echo p99 (ms) of the runs like a round's that follow it: {runs}" if runs else ""
    return (f"The warm-up itself, a cold gateway: echo p50 {fmt(rec.p50, '.3f')} ms, p99 {fmt(rec.p99, '.3f')} "
            f"ms; {fmt(rec.mbps, '.1f')} MB/s{then}")


def report(b, command, started, elapsed):
    R, a = b.results, b.args
    out = []
    add = out.append
    add("# Benchmarks\n")
    add("yucon next to conserver and OpenSSH + GNU screen, on the same consoles, on the same machine, in the same run "
        "(issue 6). Produced by `./dist/bench`; rerun it when performance work lands.\n")
    add(f"- Command: `{command}`")
    add(f"- Date: {started:%Y-%m-%d %H:%M} UTC; the run took {elapsed / 60:.1f} min")
    add(f"- Machine: {machine()}; load average (1 min) at the start {b.load_start}, at the end {loadavg()} — "
        "anything above the run's own load is other work on the machine, which widens the tails")
    if b.failures:
        add(f"- **{len(b.failures)} measurement(s) failed**: listed under Failures below")
    add(f"- Peers: yucon (`yucon serve`, {product(b.jar)}; JVM options: {b.gateway_jvm or 'none'}), conserver {pkg_version('conserver-server')}, "
        f"OpenSSH {pkg_version('openssh-server')} + screen {pkg_version('screen')}; all on 127.0.0.1; every "
        "client is the real client program (`ssh -tt`, `console`) on a pty driven by the harness")
    add(f"- Workloads: `uml` a real UML guest ({b.kernel.name}, 64M, busybox root, logged in as root); `syn` "
        "bench/synthetic.py on a pty (echoes keys, prints N bytes of `x` on demand) — it isolates the gateway's cost")
    add("- `relay` (on `syn`, a reference like `direct`): socat between a `syn` of its own on one pty and the harness on "
        "a second one, read like `direct`. Every remote console has those two ptys (the guest's, and the terminal "
        "the client writes to), so relay/direct is what the second pty alone leaves of the direct rate")
    add("- `sshd` (on `syn`, a reference too): `ssh -tt` to the same OpenSSH sshd as screen's, which runs a `syn` of "
        "its own as the session's command, on the session's pty: no console server at all, only what every SSH "
        "console has on its way (the client, encryption both ways, sshd, the session's pty): the least any SSH console "
        "does")
    rounds_like = (f", then {a.warmup_runs} per workload like a round's (and every other peer one on `uml`: no guest "
                   "is fresher than yucon's)") if a.warmup_runs else ""
    first = "syn" if "syn" in a.workloads else a.workloads[0]
    add(f"- Before the rounds yucon gets one unmeasured run on `{first}` ({a.warmup_keys} keys, a {a.warmup_mb} MB "
        f"flood){rounds_like}, so that the figures are the steady state of a "
        "running gateway, not the JVM's warm-up (a fresh gateway spends 3-4 times the CPU per byte until the JIT "
        "has compiled its AES-CTR to AES-NI, after some 160 MB; its compiler works on the keystroke path for some "
        "10,000 keys, and its time slices then delay the threads an echo passes through; each of the next few "
        "logins, echo runs and floods still keeps the compilers of both JVMs busy for tenths of a second); the "
        "other peers are C programs. " + cold_figures(b) + "\n"
        f"- Each console figure is the median over {a.rounds} rounds; in each round every peer runs once, in "
        "alternating order (direct, yucon, conserver, screen / direct, screen, conserver, yucon); ratios are "
        "taken within a round, then their median. Echo: "
        f"{a.keys} keys per run. Throughput: {a.flood_mb_uml} MB (uml) / {a.flood_mb_syn} MB (syn) of `x`, timed "
        "from Enter until the end marker reaches the client; `direct` reads and writes the workload's pty master "
        "itself, as yucon's keeper does: input paced like the keeper's (at most 128 bytes per write, 12.8 KB/s on "
        "average; a key's echo is timed from its write), and for UML SIGIO when output stops (after 2, 4, 8 ... ms, "
        "at most 7 times); `direct` also kicks UML when a key gets no output within 0.5 ms (see the notes). "
        "Machine CPU: the CPU time of the whole machine (`/proc/stat`: every process, the harness and the kernel "
        "included, in 10 ms ticks) during the echo run per key, and from Enter to the end marker per MB printed: "
        "all the work a peer's path does, beside the time it takes; stolen: time the hypervisor kept this VM "
        "waiting.\n")

    def console(w, peer, key):
        return [getattr(r, key) for r in R.get(("console", w, peer), []) if getattr(r, key) is not None]

    def cost(w, peer, unit, spec):
        """Median machine CPU, with the median stolen by the hypervisor beside it when there was any."""
        busy, stolen = med(console(w, peer, "cpu_" + unit)), med(console(w, peer, "steal_" + unit))
        return fmt(busy, spec) + (f" (stolen {stolen:{spec}})" if stolen else "")

    def ratio(w, peer, key, base="yucon"):
        """Median of base/peer, taken within each round in which both have the figure."""
        by_round = {r.round: getattr(r, key) for r in R.get(("console", w, base), [])}
        return med([by_round[r.round] / getattr(r, key) for r in R.get(("console", w, peer), [])
                    if getattr(r, key) and by_round.get(r.round)])

    for w in a.workloads:
        add(f"## Console `{w}`: echo latency and one viewer\n")
        add("| peer | echo p50 ms | echo p99 ms | p99 worst round | throughput MB/s | worst round | bytes lost | "
            "yucon/peer p99 | yucon/peer MB/s | machine CPU µs per key | machine CPU ms per MB | failed rounds |")
        add("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        n = b.flood_bytes(w)
        for peer in [PEERS[0], RELAY, SSHD, *PEERS[1:]]:
            recs = R.get(("console", w, peer), [])
            if not recs:
                continue
            rates = console(w, peer, "mbps")
            flooded = [r for r in recs if not r.failed]   # a failed run has no flood figures, not even a timeout
            finished = [r for r in flooded if r.secs is not None]
            lost = "n/a (redrawn)" if peer == "screen" else str(sum(max(0, n - r.got) for r in finished))
            if peer == "yucon":
                lost += f" (told skipped: {sum(r.skipped for r in recs)})"
            timeouts = sum(1 for r in flooded if r.secs is None)
            corrupt = sum(1 for r in recs if r.corrupt)
            worst_rate = (f"{min(rates):.3g}" if rates else "–") + \
                (f"; {timeouts} of {len(flooded)} timed out" if timeouts else "") + \
                (f"; {corrupt} of {len(flooded)} delivered more bytes than printed" if corrupt else "")
            p99s = console(w, peer, "p99")
            failed = sum(1 for r in recs if r.failed)
            add(f"| {peer} | {fmt(med(console(w, peer, 'p50')), '.3f')} | {fmt(med(p99s), '.3f')} | "
                f"{fmt(max(p99s) if p99s else None, '.3f')} | {fmt(med(rates), '.3g')} | {worst_rate} | {lost} | "
                f"{fmt(ratio(w, peer, 'p99'), '.2f') if peer != 'yucon' else ''} | "
                f"{fmt(ratio(w, peer, 'mbps'), '.2f') if peer != 'yucon' else ''} | "
                f"{cost(w, peer, 'us_key', '.0f')} | {cost(w, peer, 'ms_mb', '.1f')} | "
                f"{f'{failed} of {len(recs)}' if failed else 0} |")
        add("")

    if any(k[0] == "fanout" for k in R if isinstance(k, tuple)):
        add(f"## Fan-out: viewers on one console (`syn`, {a.fanout_mb} MB, {a.fanout_rounds} rounds; 1 round with 100 "
            "viewers)\n")
        add("The first viewer types `flood N`, every viewer reads. Per-viewer throughput = bytes of `x` received / "
            f"time until that viewer saw the end marker (a viewer still without it after {a.flood_timeout:.0f} s + "
            "0.25 s per viewer is a timeout, credited with what it got). Lost = bytes of `x` that a viewer which "
            "reached the marker never received; for yucon also what the gateway told the viewers it skipped. "
            "screen redraws rather than forwarding bytes, so its loss is not countable; screen with 100 viewers is "
            f"left out (`--screen-fanout-max {a.screen_fanout_max}`).\n")
        add("| viewers | peer | per-viewer MB/s (median) | slowest viewer MB/s | bytes lost (all viewers, all rounds) | "
            "viewers that lost (worst round) | timeouts | clients that failed to attach | failed rounds |")
        add("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for viewers in a.fanout:
            for peer in ["yucon", "conserver", "screen"]:
                if R.get(("fanout", viewers, peer)):
                    add(fanout_row(viewers, peer, R[("fanout", viewers, peer)]))
        add("")

    add("## Gateway\n")
    add("| figure | yucon | peer |")
    add("| --- | --- | --- |")
    if ("login", "yucon") in R:
        y, o = R[("login", "yucon")], R[("login", "openssh")]
        rs = [a_ / b_ for a_, b_ in zip(y, o)]
        add(f"| login to first menu frame (ms, median of {len(y)}) | {med(y):.0f} (ratio to OpenSSH {med(rs):.2f}) | "
            f"OpenSSH login to shell prompt {med(o):.0f} |")
    for count in a.idle:
        r = R.get(("idle", count))
        if r:
            add(f"| {count} idle menu sessions: gateway RSS / CPU | {r.rss_mb:.0f} MB (before: "
                f"{r.base_rss_mb:.0f} MB) / {r.cpu_pct:.2f} % of one core, of which the JIT compiler "
                f"{r.jit_pct:.2f} % ({r.threads} threads; sessions opened in {r.open_secs:.1f} s; measured over "
                f"{a.idle_sample:.0f} s from {r.settle_secs:.0f} s later, once the JIT compiler was quiet) | |")
    if "start_cold_ms" in R:
        warm = R.get("start_warm_ms", [])
        restart = (f"restart with the keeper and guests running {med(warm):.0f} (median of {len(warm)})" if warm
                   else "restart not measured")
        add(f"| gateway start to SSH banner (ms) | first start (also starts the keeper) {R['start_cold_ms']:.0f}; "
            f"{restart} | |")
    if "memory" in R:
        m = R["memory"]
        add(f"| memory per running guest (keeper + gateway RSS delta, {m.guests} guests) | "
            f"{m.per_guest_mb:.1f} MB (gateway {m.gateway_mb:.1f}, keeper {m.keeper_mb:.1f}); the UMLs "
            f"themselves: {m.uml_rss_mb_all:.0f} MB RSS for all running | |")
    add("")

    if b.failures:
        add("## Failures\n")
        add("Measurements that failed; the run went on without them (their figures are left out of the medians "
            "above). After a failure the console was checked (Ctrl-C, Enter, a prompt within 15 s); one that no "
            "longer answered was stopped by pid and booted afresh on a new COW disk, and one that could not be "
            "restarted was left out of the later runs.\n")
        for f in b.failures:
            add(f"- {f.what}: {f.reason}" + (f" — afterwards {f.after}" if f.after else ""))
        add("")

    add("## Targets (issue 19: re-based on the `sshd` row; issue 6 for the rest)\n")
    add("| target | figure | met? |")
    add("| --- | --- | --- |")
    for line in targets(b):
        add(line)
    add("")
    return "\n".join(out) + "\n"


def fanout_row(viewers, peer, recs):
    ok = [r for r in recs if not r.failed]
    failed = len(recs) - len(ok)
    lost = "n/a" if peer == "screen" else f"{sum(r.lost for r in ok)}"
    if peer == "yucon":
        lost += f" (told skipped: {sum(r.skipped for r in ok)})"
    lost_viewers = "n/a" if peer == "screen" else (max(r.lost_viewers for r in ok) if ok else "–")
    return (f"| {viewers} | {peer} | {fmt(med([r.median_mbps for r in ok]), '.1f')} | "
            f"{fmt(min(r.min_mbps for r in ok) if ok else None, '.1f')} | {lost} | {lost_viewers} | "
            f"{sum(r.timeouts for r in ok)} | {sum(r.attach_failed for r in ok)} | "
            f"{f'{failed} of {len(recs)}' if failed else 0} |")


def targets(b):
    """Issue 19's re-based targets: yucon against the `sshd` row (the least any SSH console does) where there is one
    (`syn`), with conserver's figures beside for the record; on `uml` the echo p99 against conserver's. Then the
    issue-6 targets that still hold (100 viewers, idle sessions, login)."""
    R, a = b.results, b.args
    lines = []

    def c(w, peer):
        return R.get(("console", w, peer), [])

    def row(target, figure, ok):
        lines.append(f"| {target} | {figure} | {'n/a' if ok is None else ('met' if ok else '**missed**')} |")

    for w in a.workloads:
        y = c(w, "yucon")
        if not y:
            continue
        base = SSHD if c(w, SSHD) else "conserver"
        if base == SSHD:
            echo_target(w, y, c(w, SSHD), c(w, "conserver"), "p50", 0.05, row)
        echo_target(w, y, c(w, base), c(w, "conserver") if base == SSHD else [], "p99", 0.3, row)
        if base == SSHD:
            throughput_target(w, y, c(w, SSHD), c(w, "conserver"), row)
        lost_target(w, y, b.flood_bytes(w), row)
    f100 = R.get(("fanout", 100, "yucon"))
    if f100:
        ok = [r for r in f100 if not r.failed]
        lost = sum(r.lost for r in ok)
        skipped = sum(r.skipped for r in ok)
        timeouts = sum(r.timeouts for r in ok)
        clean = lost == 0 and skipped == 0 and not timeouts
        row("100 viewers with 0 bytes lost", f"yucon: {lost} bytes lost by viewers that finished, {skipped} bytes "
            f"told skipped, {timeouts} of {100 * len(ok)} viewers timed out" +
            (f"; {len(f100) - len(ok)} of {len(f100)} rounds failed" if len(ok) < len(f100) else ""),
            (None if len(ok) < len(f100) else True) if clean else False)
    idle = R.get(("idle", 1000))
    if idle:
        row("1,000 idle sessions within 300 MB RSS", f"{idle.rss_mb:.0f} MB", idle.rss_mb <= 300)
        row("1,000 idle sessions within 2 % of one core", f"{idle.cpu_pct:.2f} %", idle.cpu_pct <= 2)
    if ("login", "yucon") in R:
        rs = med([x / y for x, y in zip(R[("login", "yucon")], R[("login", "openssh")])])
        row("login to first frame within 1.2x of OpenSSH login to prompt", f"{rs:.2f}x", rs <= 1.2)
    return lines


def echo_target(w, y, base, beside, key, margin, row):
    """yucon's median echo percentile within `margin` ms of the base row's (`sshd`, else conserver); conserver's
    figure beside it for the record when the base is `sshd`."""
    name = "`sshd`" if beside else "conserver"
    yv, bv = med([getattr(r, key) for r in y]), med([getattr(r, key) for r in base])
    target = f"`{w}`: echo {key} within +{margin} ms of {name}"
    if yv is None or bv is None:
        failed = sum(1 for r in y if r.failed)
        row(target, f"no figure (yucon {fmt(yv, '.3f')}, {name} {fmt(bv, '.3f')}; yucon failed in {failed} of "
            f"{len(y)} rounds)", None)
        return
    cv = med([getattr(r, key) for r in beside])
    row(target, f"yucon {yv:.3f} ms, {name} {bv:.3f} ms ({yv - bv:+.3f})" +
        (f"; conserver {cv:.3f} ms" if cv is not None else ""), yv - bv <= margin)


def throughput_target(w, y, base, beside, row):
    """yucon/`sshd` within each round. A round without an `sshd` figure has no ratio; one in which yucon's run failed
    is named: then the target cannot be called met ("in every round")."""
    by_round = {r.round: r.mbps for r in base if r.mbps}
    ratios, failed = [], []
    for r in y:
        if r.round not in by_round:
            continue
        if r.failed:
            failed.append(r.round)
        else:
            ratios.append((r.mbps or 0) / by_round[r.round])   # None: more bytes than printed, no credit
    figure = "yucon/`sshd` per round: " + (", ".join(f"{x:.2f}" for x in ratios) or "none")
    if failed:
        figure += f"; yucon's run failed in round(s) {', '.join(map(str, failed))}"
    if len(by_round) < len(y):
        figure += f"; no `sshd` figure in {len(y) - len(by_round)} round(s)"
    conserver = {r.round: r.mbps for r in beside if r.mbps}
    if conserver:
        figure += "; conserver/`sshd`: " + ", ".join(f"{conserver[k] / by_round[k]:.2f}" for k in sorted(conserver)
                                                    if k in by_round)
    met = bool(ratios) and min(ratios) >= 0.9
    row(f"`{w}`: one-viewer throughput ≥ 0.9 of `sshd` in every round", figure, None if met and failed else met)


def lost_target(w, y, n, row):
    """Every byte of every finished flood reached the viewer, and the gateway skipped none."""
    finished = [r for r in y if not r.failed and r.secs is not None]
    lost = sum(max(0, n - r.got) for r in finished)
    skipped = sum(r.skipped for r in y)
    timeouts = sum(1 for r in y if not r.failed and r.secs is None)
    figure = f"yucon: {lost} bytes lost in {len(finished)} finished floods, {skipped} told skipped" + \
        (f", {timeouts} floods timed out" if timeouts else "")
    row(f"`{w}`: one viewer, 0 bytes lost", figure, None if not finished else (lost == 0 and skipped == 0))


def jvm_options(pid):
    """The -X options of a running java (heap, stack, GC), as its command line gives them."""
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    return " ".join(a for a in argv if a.startswith("-X"))


def product(jar):
    """Which yucon was measured: the commit the jar was built from, when it was built from a clone."""
    r = subprocess.run(["git", "-C", str(jar.parent.parent), "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    return f"commit {r.stdout.strip()[:80]}" if r.returncode == 0 and r.stdout.strip() else str(jar)


def pkg_version(pkg):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
    return r.stdout.strip() or "?"


