#!/usr/bin/env python3
"""Independent high-precision references for pareto_nbd_prob_purchases.

The conditional PMF of the Pareto/NBD model as Fader & Hardie's note 028
("Deriving the conditional PMF of the Pareto/NBD model", eq. 16) writes it,
the form lifetimes' ParetoNBDFitter.conditional_probability_of_n_purchases_
up_to_time evaluates: P(alive)'s complement for n = 0, plus the terms of an
alive customer, the dropout part as a difference of Gauss hypergeometric
terms (mpmath's hyp2f1). The individual likelihood L of the history is
written from its definition, its dropout integral in closed form (tail()
below; a numerical quadrature needs hundreds of pieces to match it when the
integrand falls by e^100 across (t_x, T], as for x in the hundreds).
Everything at 80 significant digits and more until two precisions agree
(the difference cancels many digits for large n), never through the
extension's integral over the remaining lifetime. Cases whose probability
is below 1e-300 are left out (float8 cannot compare them).

Prints one case a line, "name|sql|reference", over a grid of parameters,
histories, horizons and n. Run by test/t/270_pareto_nbd_pmf_mpmath.pl.
"""
import mpmath as mp

mp.mp.dps = 80


def f(x):
    """A float8 literal for SQL."""
    return repr(float(x))


def model_sql(m):
    return "pareto_nbd_model(%s)" % ", ".join(f(v) for v in m)


def tail(m, x, Y):
    """The integral from Y to infinity of (alpha + y)^-(r + x) (beta + y)^-(s + 1) dy.

    With p = r + x, q = s + 1 and z = (beta - alpha) / (beta + Y), the
    integrand is (beta + y)^-(p + q) (1 - z (beta + Y) / (beta + y))^-p;
    expanding the second factor binomially and integrating term by term,
    (beta + Y)^(1 - p - q) / (p + q - 1) 2F1(p, p + q - 1; p + q; z)
    (mpmath continues 2F1 analytically to z < -1).
    """
    r, alpha, s, beta = m
    p, q = r + x, s + 1
    return ((beta + Y) ** (1 - p - q) / (p + q - 1)
            * mp.hyp2f1(p, p + q - 1, p + q, (beta - alpha) / (beta + Y)))


def likelihood(m, x, tx, T):
    """L(r, alpha, s, beta | x, t_x, T), alive at T or dead in (t_x, T]."""
    r, alpha, s, beta = m
    front = mp.gamma(r + x) * alpha ** r * beta ** s / mp.gamma(r)
    alive = (alpha + T) ** -(r + x) * (beta + T) ** -s
    dead = s * (tail(m, x, tx) - tail(m, x, T))
    return front * (alive + dead)


def pmf(mf, n, t, x, tx, T):
    m = [mp.mpf(v) for v in mf]
    r, alpha, s, beta = m
    x, tx, T, t = mp.mpf(x), mp.mpf(tx), mp.mpf(T), mp.mpf(t)
    L = likelihood(m, x, tx, T)
    if alpha < beta:
        big, p = beta, r + x + n
    else:
        big, p = alpha, s + 1
    d = abs(alpha - beta)
    front = alpha ** r * beta ** s / mp.gamma(r)
    p_alive = front * mp.gamma(r + x) * (alpha + T) ** -(r + x) * (beta + T) ** -s / L
    zeroth = (1 - p_alive) if n == 0 else 0
    first = (t ** n / mp.factorial(n) * front * mp.gamma(r + x + n)
             * (alpha + T + t) ** -(r + x + n) * (beta + T + t) ** -s)
    c = r + s + x + n + 1
    common = front * mp.beta(r + x + n, s + 1) / mp.gamma(s)
    second = (common * mp.gamma(r + s + x) * mp.hyp2f1(r + s + x, p, c, d / (big + T))
              * (big + T) ** -(r + s + x))
    third = mp.fsum(t ** i / mp.factorial(i) * common * mp.gamma(r + s + x + i)
                    * mp.hyp2f1(r + s + x + i, p, c, d / (big + T + t))
                    * (big + T + t) ** -(r + s + x + i) for i in range(n + 1))
    return zeroth + (first + second - third) / L


def pmf_converged(m, n, t, x, tx, T):
    """pmf at 80 digits, then 160, 320, ... until two agree to 1e-25.

    The difference of the dropout terms cancels about (t / (alpha + T))^n,
    so large n at short horizons need more digits than 80.
    """
    dps = 80
    with mp.workdps(dps):
        previous = pmf(m, n, t, x, tx, T)
    while True:
        dps *= 2
        with mp.workdps(dps):
            current = pmf(m, n, t, x, tx, T)
            if abs(current - previous) <= mp.mpf(10) ** -25 * abs(current):
                return current
            previous = current


def cases():
    models = [(0.553, 10.578, 0.606, 11.669),     # CDNOW, weeks
              (0.1458, 0.0436, 2.2689, 30.537),   # alpha far below beta
              (2.5, 20.0, 3.5, 0.5),              # alpha far above beta
              (0.8, 5.0, 1.0, 5.0)]               # alpha = beta, s = 1
    histories = [(0, 0, 38.86), (0, 0, 0.5), (2, 30.43, 38.86), (7, 29.43, 38.86),
                 (20, 100.0, 104.0), (300, 38.0, 38.86), (600, 30.0, 38.86)]
    horizons = [0.25, 1, 10, 52, 520]
    for i, m in enumerate(models):
        for x, tx, T in histories:
            for h in horizons:
                # n = 150 at the long horizons only: at short ones its
                # probabilities fall below 1e-300 or cost thousands of digits
                for n in (0, 1, 2, 3, 10, 30) + ((150,) if h >= 52 else ()):
                    ref = pmf_converged(m, n, h, x, tx, T)
                    if ref < 1e-300:
                        continue        # below float8's range: nothing to compare
                    yield ("pmf m%d (%d,%s,%s) h %s n %d" % (i, x, tx, T, h, n),
                           "pareto_nbd_prob_purchases(%s, %d, %s, %d, %s, %s)"
                           % (model_sql(m), n, f(h), x, f(tx), f(T)),
                           ref)


def main():
    for name, sql, ref in cases():
        print("%s|%s|%s" % (name, sql, mp.nstr(ref, 20)))


if __name__ == "__main__":
    main()
