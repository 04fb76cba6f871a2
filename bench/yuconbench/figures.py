"""What each measurement yields, as values the report is made from, and the arithmetic on them."""
import statistics
from dataclasses import dataclass
from typing import Optional


@dataclass
class ConsoleRun:
    """One peer's run in one round on one console: echo, then one viewer's flood. What was measured before a failure
    is kept; `failed` says at which stage and why. Filled in by the harness's thread as the run goes."""
    round: int
    p50: Optional[float] = None            # echo latency, ms
    p99: Optional[float] = None
    mbps: Optional[float] = None           # None also when the peer delivered more bytes than printed (corrupt)
    got: int = 0                           # bytes of `x` received
    skipped: int = 0                       # bytes the gateway said it skipped
    secs: Optional[float] = None           # the flood's time to the end marker; None: timed out
    cpu_us_key: Optional[float] = None     # machine CPU per key during the echo, and what the hypervisor stole
    steal_us_key: Optional[float] = None
    cpu_ms_mb: Optional[float] = None      # machine CPU per MB printed during the flood
    steal_ms_mb: Optional[float] = None
    corrupt: bool = False
    failed: Optional[str] = None
    skipped_run: bool = False              # not run at all: its console was down for good
    compiler_ms: Optional[int] = None      # yucon only: its JIT compilers' CPU during the echo


@dataclass
class FanoutRun:
    """One round of N viewers on one console (the figures are None when the round failed)."""
    failed: Optional[str] = None
    median_mbps: Optional[float] = None
    min_mbps: Optional[float] = None
    lost: int = 0                          # bytes of `x` that viewers which reached the marker never received
    lost_viewers: int = 0
    skipped: int = 0
    timeouts: int = 0
    attach_failed: int = 0                 # clients that ended before the flood


@dataclass(frozen=True)
class IdleRun:
    sessions: int
    rss_mb: float
    base_rss_mb: float
    cpu_pct: float
    jit_pct: float
    settle_secs: float
    threads: int
    open_secs: float


@dataclass(frozen=True)
class MemoryFigures:
    guests: int
    per_guest_mb: float
    gateway_mb: float
    keeper_mb: float
    uml_rss_mb_all: float


@dataclass
class Failure:
    """A measurement that failed; `after` (what the harness did next) is filled in by the caller."""
    what: str
    reason: str
    after: str = ""


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def machine_cost(spent, per):
    """Machine CPU time spent (busy and stolen ticks) in seconds divided by `per` (µs per key: per = keys / 1e6;
    ms per MB: per = bytes / 1e9): (busy, stolen)."""
    busy, steal = spent
    return busy / 100 / per, steal / 100 / per


def fmt(v, spec, none="–"):
    return none if v is None else format(v, spec)


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None
