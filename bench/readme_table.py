"""Prints the README's Speed table from one bench/run.sh result (JSON).

    /usr/bin/python3 bench/readme_table.py [bench/results/latest.json]

Each row: scratchnet's median samples/s, its ratio to the best other peer
as the median of the rounds with their min-max (and which peer that was
most often), the GFLOP/s of the median as a share of the FMA peak measured
at the start of the same run (FLOPs executed; in brackets counted as 3x the
forward, the count issue 17's goals were written in), peak RSS, test
accuracy, and the goal of issue 17 with whether the median meets it (with
executed FLOPs; "3x fwd only" when only the other count meets it).
"""

import json
import os
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))

TITLES = {
    "mlp-b128": "MLP 784-256-128-10, Adam, batch 128",
    "mlp-b32": "same, batch 32",
    "mlp-b1024": "same, batch 1024",
    "lenet5-b64": "LeNet-5, Adam, batch 64",
    "arem-b100": "AReM MLP 6-50-50-50-6 sigmoid, batch 100",
    "arem-b1": "same, batch 1",
    "infer-1": "inference, one sample, 784-256-128-10",
}
# (minimum median ratio, minimum fraction of the FMA peak, maximum us per sample)
GOALS = {
    "mlp-b128": (2.5, 0.75, None),
    "mlp-b32": (3.5, None, None),
    "mlp-b1024": (None, 0.88, None),
    "lenet5-b64": (5.0, 0.35, None),
    "arem-b100": (10.0, None, None),
    "arem-b1": (40.0, None, None),
    "infer-1": (None, None, 2.0),
}


def rate(x):
    if x >= 1e6:
        return f"{x / 1e6:.2f}M"
    return f"{x / 1000:.1f}k" if x >= 1000 else f"{x:.0f}"


def goal_text(goal):
    ratio, fma, us = goal
    parts = []
    if ratio:
        parts.append(f">= {ratio:g}x")
    if fma:
        parts.append(f">= {fma:.0%} of peak")
    if us:
        parts.append(f"<= {us:g} us")
    return " and ".join(parts)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "results/latest.json")
    with open(path) as f:
        run = json.load(f)
    print("| workload | scratchnet samples/s | vs best peer: median (min-max) | of FMA peak | "
          "peak RSS MB (PyTorch's) | test acc (PyTorch's) | goal | met |")
    # of FMA peak: executed FLOPs (3x forward FLOPs)
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for w in run["workloads"]:
        s = w["peers"].get("scratchnet")
        r = w.get("ratio_to_best_peer")
        if not s or not r:
            continue
        best_of_round = Counter(max((p for p in rd if p != "scratchnet"), key=lambda p: rd[p]["samples_per_second"])
                                for rd in w["rounds"])
        best_name = best_of_round.most_common(1)[0][0]
        torch = w["peers"].get("pytorch-best") or w["peers"].get("pytorch") or {}
        us = s.get("us_per_sample")
        samples = rate(s["samples_per_second"]) + (f" ({us:.1f} us)" if us else "")
        fma = s["fraction_of_fma_peak"]
        fma_3x = s.get("fraction_of_fma_peak_3x_forward", fma)
        ratio, min_fma, max_us = GOALS.get(w["name"], (None, None, None))
        rest = (ratio is None or r["median"] >= ratio) and (max_us is None or (us is not None and us <= max_us))
        met = "yes" if rest and (min_fma is None or fma >= min_fma) else "no"
        if met == "no" and rest and fma_3x >= min_fma:
            met = "3x fwd only"
        acc = s.get("test_accuracy")
        torch_acc = torch.get("test_accuracy")
        acc_text = "" if acc is None else f"{acc:.3f}" + ("" if torch_acc is None else f" ({torch_acc:.3f})")
        print(f"| {TITLES.get(w['name'], w['name'])} | {samples} | {r['median']:.2f}x ({r['min']:.2f}-{r['max']:.2f}) "
              f"{best_name} | {fma:.0%} ({fma_3x:.0%}) | {s['peak_rss_mb']:.0f} ({torch.get('peak_rss_mb', float('nan')):.0f}) | "
              f"{acc_text} | {goal_text(GOALS.get(w['name'], (None, None, None)))} | {met} |")
    machine = run.get("machine", {})
    print(f"\n{machine.get('repeats', 1)} rounds per workload; FMA peak {run['fma_peak_gflops']:.0f} GFLOP/s "
          f"({machine.get('threads')} threads), load average {run['load_average_start']:.2f} at the start, "
          f"{run['load_average_end']:.2f} at the end ({run['date']}).")


if __name__ == "__main__":
    main()
