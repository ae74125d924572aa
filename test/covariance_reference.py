#!/usr/bin/env python3
"""Independent reference for the fits' covariance (doc/uncertainty.md).

    covariance_reference.py MODEL FILE PENALIZER PARAM...

MODEL is bgnbd, pareto_nbd, gamma_gamma or sbg. FILE holds the data, one row a line,
comma-separated, with a header line: for bgnbd and pareto_nbd columns frequency, recency, T
(cdnow_customers_summary.csv: ID,frequency,recency,T), for gamma_gamma "...,x,...,zbar" read by
column name (customers with x = 0 are left out, as the fit leaves them
out), for sbg one survivor count a line. PENALIZER is the fit's L2
penalty (0 for none): the objective is then the log-likelihood minus
n * PENALIZER * sum(params^2), n the customers (the cohort's size for sbg),
lifetimes' penalty on the mean. PARAM are the fitted parameters (the point
at which the Hessian is taken).

The log-likelihood is written from the papers in mpmath at 40 digits:
BG/NBD from Fader, Hardie & Lee (2005) eq. 6, Pareto/NBD from Fader &
Hardie (2005, "A note on deriving the Pareto/NBD model", eq. 22 with A_0 by
mpmath's hyp2f1), Gamma-Gamma from Fader &
Hardie (2013) (the density of the mean spend), sBG from Fader & Hardie
(2007). Its Hessian in the natural parameters is taken by central finite
differences of the log-likelihood itself (second differences with a
relative step of 1e-10: truncation about 1e-20, rounding about 1e-40 /
1e-20), never from the extension's gradient or its log-parameter
transformation. The covariance is the inverse of minus that Hessian
(the observed information of the total, penalised log-likelihood).
Prints one line "i j covariance" per element, then "se name value" per
parameter.
"""
import csv
import sys

import mpmath as mp

mp.mp.dps = 40
STEP = mp.mpf('1e-10')


def bgnbd_rows(path):
    rows = {}
    with open(path) as f:
        for rec in csv.DictReader(f):
            key = (int(rec['frequency']), mp.mpf(rec['recency']), mp.mpf(rec['T']))
            rows[key] = rows.get(key, 0) + 1
    return list(rows.items())


def bgnbd_loglik(rows, params):
    r, alpha, a, b = params
    lb_ab = mp.log(mp.beta(a, b))
    total = mp.mpf(0)
    for (x, tx, t), w in rows:
        head = mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(alpha)
        term = mp.exp(mp.log(mp.beta(a, b + x)) - lb_ab) * (alpha + t) ** (-(r + x))
        if x > 0:
            term += mp.exp(mp.log(mp.beta(a + 1, b + x - 1)) - lb_ab) * (alpha + tx) ** (-(r + x))
        total += w * (head + mp.log(term))
    return total


def pareto_nbd_loglik(rows, params):
    r, alpha, s, beta = params
    total = mp.mpf(0)
    for (x, tx, t), w in rows:
        rsx = r + s + x
        if alpha >= beta:
            big, b2 = alpha, s + 1
        else:
            big, b2 = beta, r + x
        z = abs(alpha - beta)
        a0 = (mp.hyp2f1(rsx, b2, rsx + 1, z / (big + tx)) / (big + tx) ** rsx
              - mp.hyp2f1(rsx, b2, rsx + 1, z / (big + t)) / (big + t) ** rsx)
        bracket = 1 / ((alpha + t) ** (r + x) * (beta + t) ** s) + s / rsx * a0
        total += w * (mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(alpha)
                      + s * mp.log(beta) + mp.log(bracket))
    return total


def gamma_gamma_rows(path):
    rows = {}
    with open(path) as f:
        for rec in csv.DictReader(f):
            x = int(rec['x'])
            if x > 0:
                key = (x, mp.mpf(rec['zbar']))
                rows[key] = rows.get(key, 0) + 1
    return list(rows.items())


def gamma_gamma_loglik(rows, params):
    p, q, v = params
    total = mp.mpf(0)
    for (x, m), w in rows:
        total += w * (mp.loggamma(p * x + q) - mp.loggamma(p * x) - mp.loggamma(q)
                      + q * mp.log(v) + (p * x - 1) * mp.log(m) + p * x * mp.log(x)
                      - (p * x + q) * mp.log(v + x * m))
    return total


def sbg_rows(path):
    with open(path) as f:
        return [int(line) for line in f.read().split()]


def sbg_loglik(survivors, params):
    alpha, beta = params
    b0 = mp.beta(alpha, beta)
    total = mp.mpf(0)
    n = len(survivors) - 1
    for t in range(1, n + 1):
        lost = survivors[t - 1] - survivors[t]
        if lost:
            total += lost * mp.log(mp.beta(alpha + 1, beta + t - 1) / b0)
    total += survivors[n] * mp.log(mp.beta(alpha, beta + n) / b0)
    return total


MODELS = {
    'bgnbd': (bgnbd_rows, bgnbd_loglik, ['r', 'alpha', 'a', 'b']),
    'pareto_nbd': (bgnbd_rows, pareto_nbd_loglik, ['r', 'alpha', 's', 'beta']),
    'gamma_gamma': (gamma_gamma_rows, gamma_gamma_loglik, ['p', 'q', 'v']),
    'sbg': (sbg_rows, sbg_loglik, ['alpha', 'beta']),
}


def main():
    name, path, penalizer = sys.argv[1], sys.argv[2], mp.mpf(sys.argv[3])
    read, loglik, names = MODELS[name]
    params = [mp.mpf(v) for v in sys.argv[4:]]
    assert len(params) == len(names)
    data = read(path)
    customers = data[0] if name == 'sbg' else sum(w for _, w in data)
    k = len(params)
    h = [STEP * p for p in params]

    def at(i, di, j, dj):
        y = list(params)
        if i is not None:
            y[i] += di
        if j is not None:
            y[j] += dj
        return loglik(data, y) - customers * penalizer * sum(v * v for v in y)

    f0 = at(None, 0, None, 0)
    hess = mp.matrix(k, k)
    for i in range(k):
        hess[i, i] = (at(i, h[i], None, 0) - 2 * f0 + at(i, -h[i], None, 0)) / h[i] ** 2
        for j in range(i):
            hess[i, j] = hess[j, i] = (at(i, h[i], j, h[j]) - at(i, h[i], j, -h[j])
                                       - at(i, -h[i], j, h[j]) + at(i, -h[i], j, -h[j])) / (4 * h[i] * h[j])
    cov = mp.inverse(-hess)
    for i in range(k):
        for j in range(k):
            print(i + 1, j + 1, mp.nstr(cov[i, j], 17))
    for i in range(k):
        print('se', names[i], mp.nstr(mp.sqrt(cov[i, i]), 17))


if __name__ == '__main__':
    main()
