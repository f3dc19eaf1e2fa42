"""Shares of CPU samples in async-profiler collapsed stacks (one "frame;frame;... count" a line).

Usage: python3 bench/proxy/stacks.py FILE [FRAME_SUBSTRING ...]
Prints, for each substring, the share of samples with a frame containing it (inclusive), the
share spent in Portcullis code itself (deepest dev/portcullis frame not followed by the rest of
the gateway's filter chain), and the 25 hottest leaf frames.
"""
import collections
import sys

DOWNSTREAM = ("GatewayFilterChain", "NettyRoutingFilter", "FilteringWebHandler")


def main(path, patterns):
    total = 0
    inclusive = collections.Counter()
    leaves = collections.Counter()
    ours = identity = 0
    for line in open(path, encoding="utf-8"):
        stack, count = line.rstrip().rsplit(" ", 1)
        count = int(count)
        total += count
        frames = stack.split(";")
        leaves[frames[-1]] += count
        for pattern in patterns:
            if any(pattern in frame for frame in frames):
                inclusive[pattern] += count
        positions = [i for i, frame in enumerate(frames) if "dev/portcullis/" in frame]
        if positions and not any(d in frame for frame in frames[positions[-1] + 1:] for d in DOWNSTREAM):
            ours += count
            if any("withIdentity" in frame or "RequestIdentity" in frame for frame in frames):
                identity += count
    pct = lambda n: 100.0 * n / total if total else 0.0
    print(f"samples: {total}")
    print(f"Portcullis code itself: {pct(ours):.2f} % (of which the upstream header rewrite {pct(identity):.2f} %)")
    for pattern in patterns:
        print(f"{pct(inclusive[pattern]):6.2f} %  inclusive  {pattern}")
    print("hottest leaf frames:")
    for frame, count in leaves.most_common(25):
        print(f"{pct(count):6.2f} %  {frame[:140]}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
