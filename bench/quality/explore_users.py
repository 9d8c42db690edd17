#!/usr/bin/env python3
"""Similar users' recent items for the explore part (issue 23 item 3), a prototype on the real
shop data: explore recall@20 (hits among the first invoice's items new to the customer, over
their number; customers with such items) of 20 items the customer never bought, ranked by
  covisit   normalized co-visitation of the customer's 30 most recent items (what the explore part
            ranks by today: co-occurrence in an invoice over the geometric mean of the two items'
            counts, +1 each);
  users     the K customers most similar to this one (cosine of the sets of items bought), each
            neighbour's items weighted by the similarity and by 2^(-age / H) of the neighbour's
            last purchase of it (H days; none: no decay);
  recent    a control: every customer's purchases weighted by 2^(-age / 30 days), no similarity
            (recent popularity among the items new to the customer);
  mix       both lists merged by reciprocal rank (1 / (rank + 10) summed).
Usage: explore_users.py CSV_GZ [SPLIT_DATE...] (default 2011-11-09 2011-10-12)."""
import math, sys
from collections import Counter, defaultdict

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from repeat_timing import DAY, load, paired_interval  # noqa: E402
import datetime as dt  # noqa: E402


def evaluate(rows, split, n=20):
    day = dt.datetime.strptime(split, '%Y-%m-%d').replace(tzinfo=dt.timezone.utc).timestamp()
    last, invoices = defaultdict(dict), defaultdict(set)
    for u, invoice, item, t in rows:
        if t < day:
            last[u][item] = t
            invoices[invoice].add(item)
    first, truth = {}, defaultdict(set)
    for u, invoice, _, t in rows:
        if day <= t < day + 31 * DAY and u in last:
            first.setdefault(u, invoice)
    for u, invoice, item, _ in rows:
        if first.get(u) == invoice:
            truth[u].add(item)
    count, co = Counter(), defaultdict(Counter)
    for items in invoices.values():
        for a in items:
            count[a] += 1
            if len(items) <= 200:
                for b in items:
                    if a != b:
                        co[a][b] += 1
    buyers = defaultdict(set)
    for u, items in last.items():
        for i in items:
            buyers[i].add(u)

    recent_pop = Counter()
    for v, items in last.items():
        for i, t in items.items():
            recent_pop[i] += 2 ** (-(day - t) / DAY / 30)
    recent_order = [i for i, _ in recent_pop.most_common()]

    def recent(u):
        return [i for i in recent_order if i not in last[u]][:100]

    def covisit(u):
        score = Counter()
        for a in sorted(last[u], key=lambda i: -last[u][i])[:30]:
            for b, c in co[a].items():
                if b not in last[u]:
                    score[b] += c / math.sqrt((count[a] + 1) * (count[b] + 1))
        return [b for b, _ in score.most_common(100)]

    def users(u, k=100, half_life=90):
        overlap = Counter(v for i in last[u] for v in buyers[i] if v != u)
        similar = sorted(((c / math.sqrt(len(last[u]) * len(last[v])), v)
                          for v, c in overlap.items()), reverse=True)[:k]
        score = Counter()
        for s, v in similar:
            for i, t in last[v].items():
                if i not in last[u]:
                    score[i] += s * (2 ** (-(day - t) / DAY / half_life) if half_life else 1)
        return [i for i, _ in score.most_common(100)]

    def mix(*lists):
        score = Counter()
        for ranked in lists:
            for r, i in enumerate(ranked):
                score[i] += 1 / (r + 10)
        return [i for i, _ in score.most_common(100)]

    recall = defaultdict(list)
    for u, basket in truth.items():
        new = basket - set(last[u])
        if not new:
            continue
        ranked = {'covisit': covisit(u), 'recent': recent(u), 'users K100 no decay': users(u, half_life=None),
                  'users K50 H90': users(u, k=50), 'users K100 H30': users(u, half_life=30),
                  'users K100 H90': users(u), 'users K200 H90': users(u, k=200)}
        ranked['mix covisit + users K100 H90'] = mix(ranked['covisit'], ranked['users K100 H90'])
        for name, items in ranked.items():
            recall[name].append(len(new & set(items[:n])) / len(new))
    return recall


if __name__ == '__main__':
    data = load(sys.argv[1])
    for split in sys.argv[2:] or ['2011-11-09', '2011-10-12']:
        recall = evaluate(data, split)
        print(f'{split} ({len(recall["covisit"])} customers with new items): ' +
              ', '.join(f'{name} {sum(v) / len(v):.3f}' for name, v in recall.items()))
        for name in recall:
            if name != 'covisit':
                print('  %s - covisit: %+.3f [%+.3f, %+.3f]' %
                      ((name,) + paired_interval(recall[name], recall['covisit'])))
