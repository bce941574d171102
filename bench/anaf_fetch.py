"""Benchmark: 10,000 CUIs through the ANAF client against the local fake ANAF.

    python bench/anaf_fetch.py [--cuis 10000] [--rate 1] [--failures 0.2]

The fake runs as its own process (``firmsync dev fake-anaf``), enforcing 100 CUIs per
request and ``--rate`` requests per second, counting violations and how many times each CUI
was delivered. The client paces itself, as the deployment's one fetcher does. Two runs:

1. no failures: CUIs/s over the whole run, rate-limit violations;
2. ``--failures`` of the requests failing, each in one of every transient way (firewall
   page with 200, maintenance page with 404, 503, 429 envelope, timeout, connection reset):
   the CUIs a call could not fetch are asked again in a later call (as the sync job does),
   until all are fetched; how many calls that took, the requests sent, and whether any CUI
   was delivered more than once.

The client's timeout is 5 s here (30 s in production) and the fake holds a "timeout" for
6 s, so that the run is not mostly waiting. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.request

from firmsync.identity import cui as cui_code
from firmsync.sources.anaf.client import AnafClient
from firmsync.sources.anaf.pace import IntervalPace
from firmsync.sources.fake.server import fake_anaf_process

TIMEOUT, HANG = 5.0, 6.0


def cuis(count: int) -> list[str]:
    bodies = (str(n) for n in range(20_000_000, 20_000_000 + count))
    return [body + cui_code.check_digit(body) for body in bodies]


def run(count: int, rate: float, failures: float) -> dict:
    options = ["--rate", str(rate), "--scenario", "flaky", "--failure-rate", str(failures)]
    with fake_anaf_process(*options, "--hang", str(HANG)) as url:
        wanted = cuis(count)
        pace = IntervalPace(rate)
        calls = requests = 0
        fetched: set[str] = set()
        started = time.perf_counter()
        with AnafClient(url, pace=pace, timeout=TIMEOUT) as client:
            while len(fetched) < count and calls < 20:
                calls += 1
                result = client.vat([c for c in wanted if c not in fetched])
                fetched.update(result.found)
                fetched.update(result.not_found)
                requests += result.requests
                if result.failed and not client.breaker.closed():
                    time.sleep(max(0.0, client.breaker.open_until - time.monotonic()))
        wall = time.perf_counter() - started
        stats = json.loads(urllib.request.urlopen(f"{url}/__stats").read())
    return {
        "wall": wall,
        "fetched": len(fetched),
        "calls": calls,
        "sent": requests,
        **stats,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cuis", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=1.0)
    parser.add_argument("--failures", type=float, default=0.2)
    args = parser.parse_args()
    for share in (0.0, args.failures):
        figures = run(args.cuis, args.rate, share)
        print(f"\n# {share:.0%} of requests failing, fake allowing {args.rate:g} request/s")
        print(
            f"fetched {figures['fetched']:,} of {args.cuis:,} CUIs in {figures['wall']:.1f} s"
            f" = {figures['fetched'] / figures['wall']:.1f} CUIs/s"
        )
        print(
            f"requests sent {figures['sent']} (the fake saw {figures['requests']}), "
            f"calls {figures['calls']}, rate-limit violations {figures['violations']}"
        )
        print(f"failures injected: {figures['injected'] or 'none'}")
        print(
            f"CUIs delivered: {figures['cuis_served']:,}, most deliveries of one CUI: "
            f"{figures['most_served']}"
        )


if __name__ == "__main__":
    main()
