#!/usr/bin/env python3
"""Independent high-precision references for the MBG/NBD accessors.

Batislam, Denizel & Filiztekin (2007), written from the paper's equations
in mpmath at 50 significant digits (never from the extension's reduction
to BG/NBD with b + 1):

- eq. 13, the conditional expectation, with mpmath's hyp2f1;
- eq. 10, a new customer's expectation;
- eq. 14, P(alive);
- eq. 9, P(X(t) = n), the negative binomial head summed term by term;
- eq. 7, the log-likelihood of a summary table.

With no argument: prints one case a line, "name|sql|reference", over a grid
of parameters and histories. With "loglik r alpha a b FILE": prints the
log-likelihood of the CSV summary FILE (id, frequency, recency, T, with a
header) at those parameters. Run by test/t/251_mbgnbd.pl.
"""
import csv
import sys

import mpmath as mp

mp.mp.dps = 50


def f(x):
    """A float8 literal for SQL."""
    return repr(float(x))


def model_sql(m):
    return "mbgnbd_model(%s)" % ", ".join(f(v) for v in m)


def odds(m, x, tx, T):
    r, alpha, a, b = (mp.mpf(v) for v in m)
    return a / (b + x) * ((alpha + T) / (alpha + tx)) ** (r + x)


def p_alive(m, x, tx, T):
    return 1 / (1 + odds(m, x, tx, T))


def cond(m, x, tx, T, h):
    r, alpha, a, b = (mp.mpf(v) for v in m)
    x, tx, T, h = mp.mpf(x), mp.mpf(tx), mp.mpf(T), mp.mpf(h)
    z = h / (alpha + T + h)
    num = (a + b + x) / (a - 1) * (
        1 - ((alpha + T) / (alpha + T + h)) ** (r + x)
        * mp.hyp2f1(r + x, b + x + 1, a + b + x, z))
    return num / (1 + odds(m, x, tx, T))


def new(m, h):
    r, alpha, a, b = (mp.mpf(v) for v in m)
    h = mp.mpf(h)
    return b / (a - 1) * (1 - (alpha / (alpha + h)) ** r
                          * mp.hyp2f1(r, b + 1, a + b, h / (alpha + h)))


def pmf(m, n, h):
    r, alpha, a, b = (mp.mpf(v) for v in m)
    h = mp.mpf(h)
    p = alpha / (alpha + h)
    q = h / (alpha + h)

    def nb(j):
        return mp.gamma(r + j) / (mp.gamma(r) * mp.factorial(j)) * p ** r * q ** j

    head = mp.fsum(nb(j) for j in range(n))
    return (mp.beta(a, b + n + 1) / mp.beta(a, b) * nb(n)
            + mp.beta(a + 1, b + n) / mp.beta(a, b) * (1 - head))


def loglik_row(m, x, tx, T):
    r, alpha, a, b = (mp.mpf(v) for v in m)
    x, tx, T = mp.mpf(x), mp.mpf(tx), mp.mpf(T)
    return (mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(alpha)
            + mp.log(mp.beta(a, b + x + 1)) - mp.log(mp.beta(a, b))
            + mp.log((alpha + T) ** -(r + x)
                     + a / (b + x) * (alpha + tx) ** -(r + x)))


def cases():
    models = [(0.525, 6.183, 0.891, 1.614), (0.24, 4.41, 0.79, 2.43),
              (2.5, 0.7, 3.2, 0.4), (0.05, 40.0, 0.3, 12.0), (8.0, 1.5, 15.0, 60.0)]
    histories = [(0, 0, 38.86), (0, 0, 5.0), (1, 1.71, 38.86), (2, 30.43, 38.86),
                 (7, 29.43, 38.86), (14, 3.0, 52.0), (30, 51.0, 52.0)]
    horizons = [0.5, 10, 39, 104]
    for i, m in enumerate(models):
        for x, tx, T in histories:
            yield ("p_alive m%d (%d,%s,%s)" % (i, x, tx, T),
                   "mbgnbd_p_alive(%s, %d, %s, %s)" % (model_sql(m), x, f(tx), f(T)),
                   p_alive(m, x, tx, T))
            for h in horizons:
                yield ("expected m%d (%d,%s,%s) h %s" % (i, x, tx, T, h),
                       "mbgnbd_expected_purchases(%s, %s, %d, %s, %s)"
                       % (model_sql(m), f(h), x, f(tx), f(T)),
                       cond(m, x, tx, T, h))
        for h in horizons:
            yield ("new m%d h %s" % (i, h),
                   "mbgnbd_expected_purchases(%s, %s)" % (model_sql(m), f(h)),
                   new(m, h))
            for n in (0, 1, 2, 5, 12):
                yield ("pmf m%d n %d h %s" % (i, n, h),
                       "mbgnbd_prob_purchases(%s, %d, %s)" % (model_sql(m), n, f(h)),
                       pmf(m, n, h))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "loglik":
        m = [float(v) for v in sys.argv[2:6]]
        total = mp.mpf(0)
        with open(sys.argv[6], newline="") as fh:
            rows = csv.reader(fh)
            next(rows)
            for row in rows:
                total += loglik_row(m, int(row[1]), mp.mpf(row[2]), mp.mpf(row[3]))
        print(mp.nstr(total, 20))
        return
    for name, sql, ref in cases():
        print("%s|%s|%s" % (name, sql, mp.nstr(ref, 25)))


main()
