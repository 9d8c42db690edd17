#!/usr/bin/env python3
"""../shared/data/online_retail_dev.csv.gz as /v1/events JSON lines, per its README's protocol:
purchases (not cancelled, Quantity > 0) of customers with an id; an invoice is a session; an
item listed twice in one invoice is one event. Usage: retail_events.py CSV_GZ > events.jsonl"""
import csv, gzip, json, sys

seen = set()
with gzip.open(sys.argv[1], 'rt', newline='') as f:
    for r in csv.DictReader(f):
        if r['InvoiceNo'].startswith('C') or float(r['Quantity']) <= 0 or not r['CustomerID']:
            continue
        key = (r['InvoiceNo'], r['StockCode'])
        if key in seen:
            continue
        seen.add(key)
        print(json.dumps({'event_id': f"{r['InvoiceNo']}-{r['StockCode']}",
                          'user_id': str(int(float(r['CustomerID']))),
                          'session_id': r['InvoiceNo'], 'event_type': 'purchase',
                          'item_id': r['StockCode'],
                          'occurred_at': r['InvoiceDate'].replace(' ', 'T') + 'Z'}))
