#!/usr/bin/env python3
"""Independent high-precision references for BG/BB.

Fader, Hardie & Shang (2010), written from the paper's equations in mpmath
at 50 significant digits, with the paper's closed forms (the extension sums
positive terms instead):

- eq. 5, the likelihood of a history, its sum term by term;
- eq. 7, a new customer's expected transactions in n opportunities;
- eq. 11, P(alive at n + m);
- eq. 13, the expected transactions in the next m opportunities.

With no argument: prints one case a line, "name|sql|reference". With
"loglik alpha beta gamma delta FILE": the log-likelihood of the weighted
CSV FILE (frequency, recency, periods, weights, with a header) at those
parameters. Run by test/t/253_bgbb.pl.
"""
import csv
import sys

import mpmath as mp

mp.mp.dps = 50


def f(x):
    return repr(float(x))


def model_sql(m):
    return "bgbb_model(%s)" % ", ".join(f(v) for v in m)


def lik(m, x, tx, n):
    al, be, ga, de = (mp.mpf(v) for v in m)
    total = (mp.beta(al + x, be + n - x) / mp.beta(al, be)
             * mp.beta(ga, de + n) / mp.beta(ga, de))
    for i in range(n - tx):
        total += (mp.beta(al + x, be + tx - x + i) / mp.beta(al, be)
                  * mp.beta(ga + 1, de + tx + i) / mp.beta(ga, de))
    return total


def p_alive(m, mm, x, tx, n):
    al, be, ga, de = (mp.mpf(v) for v in m)
    return (mp.beta(al + x, be + n - x) / mp.beta(al, be)
            * mp.beta(ga, de + n + mm) / mp.beta(ga, de) / lik(m, x, tx, n))


def cond(m, mm, x, tx, n):
    al, be, ga, de = (mp.mpf(v) for v in m)
    g = mp.gamma
    return (1 / lik(m, x, tx, n) * mp.beta(al + x + 1, be + n - x) / mp.beta(al, be)
            * de / (ga - 1) * g(ga + de) / g(1 + de)
            * (g(1 + de + n) / g(ga + de + n) - g(1 + de + n + mm) / g(ga + de + n + mm)))


def new(m, n):
    al, be, ga, de = (mp.mpf(v) for v in m)
    g = mp.gamma
    return (al / (al + be) * de / (ga - 1)
            * (1 - g(ga + de) * g(1 + de + n) / (g(ga + de + n) * g(1 + de))))


def cases():
    models = [(1.204, 0.750, 0.657, 2.783), (0.4, 2.5, 3.0, 0.8), (5.0, 5.0, 0.2, 12.0),
              (0.08, 0.3, 1.7, 40.0)]
    histories = [(0, 0, 6), (1, 1, 6), (1, 6, 6), (3, 5, 6), (6, 6, 6), (0, 0, 1), (2, 10, 30), (25, 40, 40)]
    for i, m in enumerate(models):
        for x, tx, n in histories:
            for mm in (0, 1, 5, 20):
                yield ("p_alive m%d %d (%d,%d,%d)" % (i, mm, x, tx, n),
                       "bgbb_p_alive(%s, %d, %d, %d, %d)" % (model_sql(m), mm, x, tx, n),
                       p_alive(m, mm, x, tx, n))
            for mm in (1, 5, 20, 200):
                yield ("expected m%d %d (%d,%d,%d)" % (i, mm, x, tx, n),
                       "bgbb_expected_purchases(%s, %d, %d, %d, %d)" % (model_sql(m), mm, x, tx, n),
                       cond(m, mm, x, tx, n))
        for n in (1, 6, 20, 500):
            yield ("new m%d %d" % (i, n),
                   "bgbb_expected_purchases(%s, %d)" % (model_sql(m), n), new(m, n))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "loglik":
        m = [float(v) for v in sys.argv[2:6]]
        total = mp.mpf(0)
        with open(sys.argv[6], newline="") as fh:
            rows = csv.reader(fh)
            next(rows)
            for row in rows:
                x, tx, n, w = (int(v) for v in row[:4])
                total += w * mp.log(lik(m, x, tx, n))
        print(mp.nstr(total, 20))
        return
    for name, sql, ref in cases():
        print("%s|%s|%s" % (name, sql, mp.nstr(ref, 25)))


main()
