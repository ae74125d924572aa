#!/usr/bin/env python3
"""Independent high-precision references for the model accessors.

Prints one case a line, "name|sql|reference", the reference computed with
mpmath at 60 significant digits from the published formulas, never from
the extension's own transformations:

- BG/NBD (Fader, Hardie & Lee 2005): eq. 10 (conditional expectation, with
  mpmath's hyp2f1), eq. 9 (new customer), P(alive) (FHL note 021) and
  eq. 8 (P(X(t) = n)) with the negative binomial head summed term by term.
- Pareto/NBD (Fader & Hardie 2005): P(alive) with A_0 as the integral
  s * int_{t_x}^{T} (alpha + y)^-(r + x) (beta + y)^-(s + 1) dy by
  quadrature (the extension uses 2F1), expected purchases.
- Gamma-Gamma (Fader & Hardie 2013): p (v + x zbar) / (p x + q - 1).
- sBG (Fader & Hardie 2007, 2010): S(t) = B(alpha, beta + t) / B(alpha,
  beta), the retention rate, DERL as the discounted sum of S(n + k) /
  S(n - 1) summed with nsum (the extension uses 2F1).
- the probabilistic cltv as the discounted sum of monthly increments of
  eq. 10 times the Gamma-Gamma spend.

The grid includes extreme parameters (1e-10, 1e10, b up to 1e16, 1e300).
Run by test/t/120_models_mpmath.pl; run by hand to see the cases.
"""
import mpmath as mp

mp.mp.dps = 60


def f(x):
    """A float8 literal for SQL."""
    return repr(float(x))


def bgnbd_sql(m):
    return "bgnbd_model(%s)" % ", ".join(f(v) for v in m)


def bgnbd_cond(m, x, tx, T, h):
    r, alpha, a, b = (mp.mpf(v) for v in m)
    x, tx, T, h = mp.mpf(x), mp.mpf(tx), mp.mpf(T), mp.mpf(h)
    z = h / (alpha + T + h)
    num = None
    if b <= 1e4:
        try:
            num = (a + b + x - 1) / (a - 1) * (
                1 - ((alpha + T) / (alpha + T + h)) ** (r + x)
                * mp.hyp2f1(r + x, b + x, a + b + x - 1, z))
        except mp.libmp.NoConvergence:
            pass
    if num is None:
        num = bgnbd_alive_purchases_quad(r, alpha, a, b, x, T, h)
    return num * bgnbd_alive(m, x, tx, T)


def bgnbd_alive_purchases_quad(r, alpha, a, b, x, T, h):
    """The numerator of eq. 10 as E[(1 - (1 + p w)^-(r + x)) / p] over
    p ~ Beta(a, b + x), w = h / (alpha + T): the Gamma(r + x, alpha + T)
    posterior of lambda integrated out of (1 - exp(-lambda p h)) / p, the
    expected purchases of an alive customer; for where mpmath's 2F1 series
    is too slow (b above 1e4, or no convergence); checked against eq. 10 at the end."""
    w = h / (alpha + T)
    bb = b + x
    scale = a / (a + bb)
    lb = mp.log(mp.beta(a, bb))
    pts = [0] + [min(scale * 10 ** k, mp.mpf(1) / 2) for k in range(-3, 4)] + [1]
    pts = sorted(set(pts))

    def g(p):
        if p == 0:
            return mp.mpf(0)
        return (1 - (1 + p * w) ** (-(r + x))) / p * mp.exp(
            (a - 1) * mp.log(p) + (bb - 1) * mp.log1p(-p) - lb)
    return mp.quad(g, pts)


def bgnbd_alive(m, x, tx, T):
    r, alpha, a, b = (mp.mpf(v) for v in m)
    if x == 0:
        return mp.mpf(1)
    return 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))


def bgnbd_prob(m, n, t):
    """FHL eq. 8 in 600 digits: 1 - head cancels as much as the tail is
    small."""
    with mp.workdps(600):
        r, alpha, a, b = (mp.mpf(v) for v in m)
        t = mp.mpf(t)
        p = alpha / (alpha + t)
        q = t / (alpha + t)

        def nb(j):
            return mp.exp(mp.loggamma(r + j) - mp.loggamma(r) - mp.loggamma(j + 1)) \
                * p ** r * q ** j
        res = mp.beta(a, b + n) / mp.beta(a, b) * nb(n)
        if n > 0:
            tail = 1 - mp.fsum(nb(j) for j in range(n))
            res += mp.beta(a + 1, b + n - 1) / mp.beta(a, b) * tail
        return +res


def pnbd_alive(m, x, tx, T):
    r, alpha, s, beta = (mp.mpf(v) for v in m)
    x, tx, T = mp.mpf(x), mp.mpf(tx), mp.mpf(T)
    # the integrand falls like (alpha + y)^-(r + x): 64 pieces keep the
    # quadrature at 1e-20 even for x = 100
    integral = s * mp.quad(lambda y: (alpha + y) ** (-(r + x)) * (beta + y) ** (-(s + 1)),
                           mp.linspace(tx, T, 65))
    odds = integral * (alpha + T) ** (r + x) * (beta + T) ** s
    return 1 / (1 + odds)


def pnbd_expected(m, x, tx, T, h):
    r, alpha, s, beta = (mp.mpf(v) for v in m)
    x, T, h = mp.mpf(x), mp.mpf(T), mp.mpf(h)
    bracket = (1 - ((beta + T) / (beta + T + h)) ** (s - 1)) / (s - 1)
    return (r + x) * (beta + T) / (alpha + T) * bracket * pnbd_alive(m, x, tx, T)


def gg_spend(m, x, zbar):
    p, q, v = (mp.mpf(u) for u in m)
    return p * (v + x * mp.mpf(zbar)) / (p * x + q - 1)


def sbg_survival(m, t):
    """S(t) as the product of (beta + j) / (alpha + beta + j), j < t, in
    350 digits so that beta + j differs from beta at beta = 1e300."""
    with mp.workdps(350):
        al, be = (mp.mpf(v) for v in m)
        return +mp.fprod((be + j) / (al + be + j) for j in range(t))


def sbg_derl(m, d, n):
    """sum_k S(n + k) / S(n - 1) / (1 + d)^k term by term in 350 digits,
    to a term below 1e-80 of the sum (the terms decrease geometrically at
    least as fast as 1 / (1 + d))."""
    with mp.workdps(350):
        al, be = (mp.mpf(v) for v in m)
        d = mp.mpf(d)
        term = (be + n - 1) / (al + be + n - 1)
        total = term
        k = 0
        while term > total * mp.mpf(10) ** -80:
            term *= (be + n + k) / (al + be + n + k) / (1 + d)
            total += term
            k += 1
        return +total


cases = []


def case(name, sql, ref):
    cases.append((name, sql, ref))


cdnow = (0.243, 4.414, 0.793, 2.426)
bg_models = [cdnow, (1.0, 1.0, 2.0, 7.5), (2.0, 7.5, 0.5, 1e10),
             (1e-10, 1.0, 2.0, 7.5), (7.5, 1e3, 1.0000001, 0.5),
             (0.243, 4.414, 0.793, 1e12), (0.243, 4.414, 0.793, 1e16),
             (0.5, 1e-10, 0.5, 2.0), (1e10, 1e10, 2.0, 2.0), (0.5, 2.0, 1e10, 1.0)]
histories = [(0, 0.0, 10.0), (1, 1.0, 10.0), (5, 20.0, 38.86), (100, 30.0, 40.0)]
for i, m in enumerate(bg_models):
    for h in (1e-8, 1.0, 10.0, 1e3):
        case("bgnbd new m%d h%g" % (i, h),
             "bgnbd_expected_purchases(%s, %s)" % (bgnbd_sql(m), f(h)),
             bgnbd_cond(m, 0, 0, 0, h))
        for (x, tx, T) in histories:
            case("bgnbd cond m%d h%g x%d" % (i, h, x),
                 "bgnbd_expected_purchases(%s, %s, %d, %s, %s)"
                 % (bgnbd_sql(m), f(h), x, f(tx), f(T)),
                 bgnbd_cond(m, x, tx, T, h))
    for (x, tx, T) in histories:
        case("bgnbd p_alive m%d x%d" % (i, x),
             "bgnbd_p_alive(%s, %d, %s, %s)" % (bgnbd_sql(m), x, f(tx), f(T)),
             bgnbd_alive(m, x, tx, T))
    for n in (0, 1, 2, 10, 200):
        for t in (1e-8, 1.0, 52.0, 1e4):
            case("bgnbd prob m%d n%d t%g" % (i, n, t),
                 "bgnbd_prob_purchases(%s, %d, %s)" % (bgnbd_sql(m), n, f(t)),
                 bgnbd_prob(m, n, t))

pnbd_models = [(0.55, 10.58, 0.61, 11.67), (1.0, 1.0, 2.0, 1.0),
               (2.0, 7.5, 0.5, 3.0), (0.5, 2.0, 1.0000001, 20.0), (1e-10, 1.0, 7.5, 2.0)]
for i, m in enumerate(pnbd_models):
    msql = "pareto_nbd_model(%s)" % ", ".join(f(v) for v in m)
    for (x, tx, T) in histories:
        case("pnbd p_alive m%d x%d" % (i, x),
             "pareto_nbd_p_alive(%s, %d, %s, %s)" % (msql, x, f(tx), f(T)),
             pnbd_alive(m, x, tx, T))
        for h in (1e-8, 10.0, 1e3):
            case("pnbd expected m%d x%d h%g" % (i, x, h),
                 "pareto_nbd_expected_purchases(%s, %s, %d, %s, %s)" % (msql, f(h), x, f(tx), f(T)),
                 pnbd_expected(m, x, tx, T, h))

gg_models = [(6.25, 3.74, 15.44), (1e-10, 2.0, 1.0), (0.5, 1.0000001, 7.5),
             (1e300, 1e300, 1.0), (2.0, 1e10, 1e10)]
for i, m in enumerate(gg_models):
    msql = "gamma_gamma_model(%s)" % ", ".join(f(v) for v in m)
    for (x, zbar) in ((0, 0.0), (1, 1.0), (5, 35.5), (1000000, 2.0)):
        case("gg m%d x%d" % (i, x),
             "gamma_gamma_expected_spend(%s, %d, %s)" % (msql, x, f(zbar)),
             gg_spend(m, x, zbar))

sbg_models = [(0.704, 1.182), (1.0, 1.0), (1e-10, 2.0), (7.5, 1e10), (1e300, 1e300), (1e10, 0.5)]
for i, m in enumerate(sbg_models):
    msql = "sbg_model(%s)" % ", ".join(f(v) for v in m)
    for t in (0, 1, 3, 12, 1000):
        case("sbg survival m%d t%d" % (i, t), "sbg_survival(%s, %d)" % (msql, t),
             sbg_survival(m, t))
        if t > 0:
            case("sbg retention m%d t%d" % (i, t), "sbg_retention(%s, %d)" % (msql, t),
                 sbg_survival(m, t) / sbg_survival(m, t - 1))
    for (d, n) in ((0.1, 1), (0.1, 5), (1.0, 1), (0.01, 3)):
        case("sbg derl m%d d%g n%d" % (i, d, n), "sbg_derl(%s, %s, %d)" % (msql, f(d), n),
             sbg_derl(m, d, n))

gg = (6.25, 3.74, 15.44)
for i, m in enumerate([cdnow, (0.243, 4.414, 0.793, 1e12), (1.0, 1.0, 2.0, 7.5)]):
    for (x, tx, T, zbar) in ((0, 0.0, 10.0, 0.0), (2, 30.43, 38.86, 20.0)):
        for (months, d) in ((12, 0.01), (36, 0.0)):
            fl = 4.345
            e = [bgnbd_cond(m, x, tx, T, k * fl) for k in range(months + 1)]
            spend = gg_spend(gg, x, zbar)
            if d == 0:
                ref = e[months] * spend
            else:
                ref = mp.fsum((e[k] - e[k - 1]) / (1 + mp.mpf(d)) ** k for k in range(1, months + 1)) * spend
            case("cltv m%d x%d months%d d%g" % (i, x, months, d),
                 "cltv(%s, gamma_gamma_model(6.25, 3.74, 15.44), %d, %s, %s, %s, %d, %s, 'week')"
                 % (bgnbd_sql(m), x, f(tx), f(T), f(zbar), months, f(d)), ref)

# the quadrature agrees with eq. 10 where both are fast
for (m, h) in (((0.243, 4.414, 0.793, 2.426), 10.0), ((2.0, 7.5, 0.5, 3e3), 1e3)):
    r, alpha, a, b = (mp.mpf(v) for v in m)
    eq10 = (a + b + 1 - 1) / (a - 1) * (1 - ((alpha + 10) / (alpha + 10 + h)) ** (r + 1)
                                        * mp.hyp2f1(r + 1, b + 1, a + b, h / (alpha + 10 + h)))
    quad = bgnbd_alive_purchases_quad(r, alpha, a, b, mp.mpf(1), mp.mpf(10), mp.mpf(h))
    assert abs(quad / eq10 - 1) < mp.mpf(10) ** -30, (m, h, eq10, quad)

for name, sql, ref in cases:
    print("%s|%s|%s" % (name, sql, mp.nstr(ref, 25, min_fixed=1, max_fixed=0)))
