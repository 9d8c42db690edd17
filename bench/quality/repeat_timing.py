#!/usr/bin/env python3
"""Repurchase timing for the repeat part (issue 23 item 2), a prototype on the real shop data.

Ranks each returning customer's own items (the repeat part) and reports repeat recall@10: hits
among the first invoice's items the customer had bought before, over their number. The history is
the serving index's (docs/decisions.md "Repeat and explore"): the 200 most recent items, own(i) =
sum of 2^(-age/90 days) over the item's purchases, an occasion = a purchase an hour or more after
the item's last one. Variants multiply own(i) by a bounded factor:
  timing    1 + 0.5 w exp(-z^2/2), z = (ln elapsed - mu_i) / sigma: a bump when the time since
            the customer's last purchase of i is near the item's typical inter-purchase interval
            (mu_i = mean ln interval across customers, shrunk with 20 pseudo-intervals towards the
            global mean; w = n_i / (n_i + 20), so an item with few observed repurchases carries no
            timing information), as ranking.md's "Repeat and explore" asks;
  global    the same bump with the global mean for every item and w = 1 (timing without item
            statistics);
  timing+1 / timing-1  the item means shifted by +1 / -1 (e or 1/e times the interval): a control;
  w only    1 + 0.5 w: no timing at all, only how many repurchases the item has across customers;
  rate      (r_i / r)^0.5 within [1/3, 3], r_i = the item's returns over its occasions across
            customers, shrunk with 5 pseudo-occasions towards the global r;
  rhythm    timing with the customer's own offset: the mean of (ln interval - mu_j) over the
            customer's repurchases, shrunk with 5 pseudo-intervals towards 0.
Usage: repeat_timing.py CSV_GZ [SPLIT_DATE...] (default 2011-11-09 2011-10-12 2011-09-14)."""
import csv, datetime as dt, gzip, math, sys
from collections import defaultdict

DAY = 86400.0


def load(path):
    rows, seen = [], set()
    with gzip.open(path, 'rt', newline='') as f:
        for r in csv.DictReader(f):
            if r['InvoiceNo'].startswith('C') or float(r['Quantity']) <= 0 or not r['CustomerID']:
                continue
            if (r['InvoiceNo'], r['StockCode']) in seen:
                continue
            seen.add((r['InvoiceNo'], r['StockCode']))
            t = dt.datetime.strptime(r['InvoiceDate'], '%Y-%m-%d %H:%M:%S')
            rows.append((int(float(r['CustomerID'])), r['InvoiceNo'], r['StockCode'],
                         t.replace(tzinfo=dt.timezone.utc).timestamp()))
    rows.sort(key=lambda row: row[3])
    return rows


def evaluate(rows, split, test_days=31, n=10, half_life=90, limit=200):
    day = dt.datetime.strptime(split, '%Y-%m-%d').replace(tzinfo=dt.timezone.utc).timestamp()
    bought = defaultdict(lambda: defaultdict(list))
    for u, _, item, t in rows:
        if t < day:
            bought[u][item].append(t)
    first_invoice, truth = {}, defaultdict(set)
    for u, invoice, _, t in rows:
        if day <= t < day + test_days * DAY and u in bought:
            first_invoice.setdefault(u, invoice)
    for u, invoice, item, _ in rows:
        if first_invoice.get(u) == invoice:
            truth[u].add(item)
    occasions = {}
    for u, items in bought.items():
        for i, times in items.items():
            o = [times[0]]
            for t in times[1:]:
                if t - o[-1] >= 3600:
                    o.append(t)
            occasions[(u, i)] = o
    log_sum, intervals, occ, returns = (defaultdict(float), defaultdict(int), defaultdict(int),
                                        defaultdict(int))
    gaps = []
    for (u, i), o in occasions.items():
        occ[i] += len(o)
        returns[i] += len(o) - 1
        for a, b in zip(o, o[1:]):
            g = math.log(max((b - a) / DAY, 0.5))
            log_sum[i] += g
            intervals[i] += 1
            gaps.append((u, i, g))
    mean = sum(g for _, _, g in gaps) / len(gaps)
    sigma = math.sqrt(sum((g - mean) ** 2 for _, _, g in gaps) / len(gaps))
    rate = sum(returns.values()) / sum(occ.values())
    item_mean = lambda i, m=20: (log_sum[i] + m * mean) / (intervals[i] + m)
    weight = lambda i, m=20: intervals[i] / (intervals[i] + m)
    offset_sum, offset_n = defaultdict(float), defaultdict(int)
    for u, i, g in gaps:
        offset_sum[u] += g - item_mean(i)
        offset_n[u] += 1

    def bump(elapsed, mu):
        z = (math.log(elapsed) - mu) / sigma
        return math.exp(-z * z / 2)

    variants = {
        'own': lambda u, i, e: 1.0,
        'timing': lambda u, i, e: 1 + 0.5 * weight(i) * bump(e, item_mean(i)),
        'global': lambda u, i, e: 1 + 0.5 * bump(e, mean),
        'timing+1': lambda u, i, e: 1 + 0.5 * weight(i) * bump(e, item_mean(i) + 1),
        'timing-1': lambda u, i, e: 1 + 0.5 * weight(i) * bump(e, item_mean(i) - 1),
        'w only': lambda u, i, e: 1 + 0.5 * weight(i),
        'rate': lambda u, i, e: min(3, max(1 / 3, (((returns[i] + 5 * rate) / (occ[i] + 5))
                                                   / rate) ** 0.5)),
        'rhythm': lambda u, i, e: 1 + 0.5 * weight(i) * bump(
            e, item_mean(i) + offset_sum[u] / (offset_n[u] + 5)),
    }
    recall = defaultdict(list)  # per customer, in one order for every variant
    for u, basket in truth.items():
        kept = sorted(bought[u], key=lambda i: (-occasions[(u, i)][-1], i))[:limit]
        repeats = basket & set(kept)
        if not repeats:
            continue
        own = {i: sum(2 ** (-(day - t) / DAY / half_life) for t in bought[u][i]) for i in kept}
        elapsed = {i: max((day - occasions[(u, i)][-1]) / DAY, 0.5) for i in kept}
        for name, factor in variants.items():
            score = {i: own[i] * factor(u, i, elapsed[i]) for i in kept}
            top = sorted(kept, key=lambda i: (-score[i], i))[:n]
            recall[name].append(len(repeats & set(top)) / len(repeats))
    return recall


def paired_interval(a, b, resamples=1000, seed=23):
    """95 % percentile bootstrap interval of mean(a - b) over customers."""
    import random
    rng = random.Random(seed)
    d = [x - y for x, y in zip(a, b)]
    means = sorted(sum(rng.choice(d) for _ in d) / len(d) for _ in range(resamples))
    return sum(d) / len(d), means[int(0.025 * resamples)], means[int(0.975 * resamples) - 1]


if __name__ == '__main__':
    data = load(sys.argv[1])
    for split in sys.argv[2:] or ['2011-11-09', '2011-10-12', '2011-09-14']:
        recall = evaluate(data, split)
        print(f'{split} ({len(recall["own"])} customers with repeats): ' +
              ', '.join(f'{name} {sum(v) / len(v):.3f}' for name, v in recall.items()))
        for a, b in [('timing', 'own'), ('rate', 'own'), ('timing', 'w only'), ('rhythm', 'timing')]:
            print('  %s - %s: %+.3f [%+.3f, %+.3f]' % ((a, b) + paired_interval(recall[a], recall[b])))
