#!/usr/bin/env python3
"""Markdown table of an `eval offline` report.json: recall, explore and repeat recall with their
95 % intervals, and the repeat ratio. Usage: summary.py REPORT_DIR"""
import json, sys

r = json.load(open(sys.argv[1] + '/report.json'))
print(f"{r['users']} users ({r['users_without_history']} without history), k = {r['k']}\n")
print('| config | recall | explore recall | repeat recall | repeat ratio |')
print('|---|---|---|---|---|')
f = lambda e: f"{e['value']:.4f} [{e['ci95'][0]:.3f}, {e['ci95'][1]:.3f}]"
for c in r['configs']:
    p = c['parts']
    print(f"| {c['name']} | {f(c['metrics']['recall'])} | {f(p['explore_recall'])} | "
          f"{f(p['repeat_recall'])} | {p['repeat_ratio']['value']:.3f} |")
