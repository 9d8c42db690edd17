#!/usr/bin/env python3
"""Event streams for bench/live, posted to one instance's POST /v1/events.

  live_stream.py PORT RATE SECONDS ITEMS   events at RATE/s for SECONDS; prints JSON
  live_stream.py PORT burst OTHER_PORT     20 purchases of a new item on a new surface, then
                                           asks OTHER_PORT until it serves it; prints ms
  live_stream.py PORT day EVENTS ITEMS     EVENTS as fast as 4 connections take them; prints JSON

Events are today's, on the default surface, in sessions of about five items with a skewed
(Zipf-like) choice of item, as a shop's day would be.
"""
import http.client
import json
import math
import random
import sys
import threading
import time
from datetime import datetime, timezone

HEADERS = {"Content-Type": "application/json", "X-Dev-User-Id": "bench", "X-Dev-Org-Id": "bench"}
TYPES = ["view", "view", "view", "view", "click", "add_to_cart", "purchase"]
SESSION_LENGTH = 5


def now_text():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


RUN = str(int(time.time()))  # event ids differ from any earlier run's (they are idempotency keys)


class Shop:
    def __init__(self, items, seed):
        self.items, self.random, self.serial = items, random.Random(seed), 0

    def events(self, count, prefix):
        out = []
        for _ in range(count):
            self.serial += 1
            session = self.serial // SESSION_LENGTH
            item = int(math.exp(self.random.random() * math.log(self.items)))
            out.append({"event_id": f"{RUN}-{prefix}-{self.serial}", "occurred_at": now_text(),
                        "user_id": f"live-user-{session % 200000}", "session_id": f"{prefix}-s{session}",
                        "event_type": self.random.choice(TYPES), "item_id": f"item-{item:07d}",
                        "surface": "default"})
        return out


def post(conn, path, body):
    conn.request("POST", path, json.dumps(body), HEADERS)
    response = conn.getresponse()
    data = response.read()
    if response.status not in (200, 202):
        raise SystemExit(f"{path}: {response.status} {data[:300]!r}")
    if path == "/v1/events" and json.loads(data)["accepted"] != len(body["events"]):
        raise SystemExit(f"{path}: not every event was accepted: {data[:300]!r}")
    return data


def stream(port, rate, seconds, items):
    conn, shop = http.client.HTTPConnection("127.0.0.1", port), Shop(items, 1)
    per_tick, tick = max(1, rate // 10), 0.1
    start, sent = time.monotonic(), 0
    while time.monotonic() - start < seconds:
        post(conn, "/v1/events", {"events": shop.events(per_tick, "stream")})
        sent += per_tick
        time.sleep(max(0.0, start + sent / rate - time.monotonic()))
    elapsed = time.monotonic() - start
    print(json.dumps({"events": sent, "seconds": round(elapsed, 2), "rate": round(sent / elapsed, 1)}))


def burst(port, other_port):
    tag = str(int(time.time() * 1000))
    surface, item = f"flash-{tag}", f"deal-{tag}"
    events = [{"user_id": f"burst-{i}", "event_type": "purchase", "occurred_at": now_text(),
               "surface": surface, "item_id": item} for i in range(20)]
    post(http.client.HTTPConnection("127.0.0.1", port), "/v1/events", {"events": events})
    accepted = time.monotonic()
    other = http.client.HTTPConnection("127.0.0.1", other_port)
    request = {"surface": surface, "k": 1, "user": {"user_id": "shopper"}}
    while time.monotonic() - accepted < 30:
        served = json.loads(post(other, "/v1/recommend", request))
        if served["items"] and served["items"][0]["item_id"] == item:
            print(round((time.monotonic() - accepted) * 1000))
            return
        time.sleep(0.01)
    raise SystemExit("burst: not served within 30 s")


def day(port, total, items):
    batches = [total // 4000] * 4
    counts = [0] * 4

    def worker(w):
        conn, shop = http.client.HTTPConnection("127.0.0.1", port), Shop(items, 100 + w)
        for _ in range(batches[w]):
            post(conn, "/v1/events", {"events": shop.events(1000, f"day{w}")})
            counts[w] += 1000

    start = time.monotonic()
    threads = [threading.Thread(target=worker, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if sum(counts) != total - total % 4000:
        raise SystemExit(f"day: only {sum(counts)} of {total} events were accepted")
    elapsed = time.monotonic() - start
    print(json.dumps({"events": sum(counts), "items": items, "session_length": SESSION_LENGTH,
                      "seconds": round(elapsed, 1), "rate": round(sum(counts) / elapsed)}))


if __name__ == "__main__":
    port = int(sys.argv[1])
    if sys.argv[2] == "burst":
        burst(port, int(sys.argv[3]))
    elif sys.argv[2] == "day":
        day(port, int(sys.argv[3]), int(sys.argv[4]))
    else:
        stream(port, int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]))
