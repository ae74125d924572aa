#!/usr/bin/env python3
"""A second implementation of the generators and processes of
src/models/simulate.c, written from doc/simulate_orders.md (not from the C),
for test/t/275_simulate_processes_python.pl: the rows it prints must be the
rows the extension returns, bit for bit (both use IEEE doubles and the C
library's log, exp and sqrt, which Python's math module calls).

    simulate_reference.py orders PROCESS CUSTOMERS SEED R ALPHA A_OR_S B_OR_BETA P Q V START DAYS ACQUISITION_DAYS
        PROCESS: bgnbd, mbgnbd or pareto_nbd; one line per order:
        customer_id|order_at|amount
    simulate_reference.py bgbb CUSTOMERS SEED ALPHA BETA GAMMA DELTA N_PERIODS
        one line per customer: customer_id|frequency|recency|n_periods
"""
import datetime
import math
import sys

MASK = (1 << 64) - 1


def splitmix64(state):
    """One splitmix64 step (Steele, Lea & Flood 2014): (new state, output)."""
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


class Stream:
    """xoshiro256** (Blackman & Vigna 2018), seeded for (seed, customer id)."""

    def __init__(self, seed, ident):
        x = seed & 0xFFFFFFFF
        x, base = splitmix64(x)
        x = base ^ ((ident * 0xD1B54A32D192ED03) & MASK)
        self.s = []
        for _ in range(4):
            x, out = splitmix64(x)
            self.s.append(out)

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def uniform(self):
        """Uniform on (0, 1) from the top 53 bits."""
        return ((self.next() >> 11) + 0.5) * (1.0 / 9007199254740992.0)

    def normal(self):
        """Marsaglia's polar method."""
        while True:
            u = 2.0 * self.uniform() - 1.0
            w = 2.0 * self.uniform() - 1.0
            s = u * u + w * w
            if s < 1.0 and s != 0.0:
                return u * math.sqrt(-2.0 * math.log(s) / s)

    def log_gamma(self, shape):
        """log of a Gamma(shape, 1) draw: Marsaglia & Tsang (2000), with
        their boost U^(1/k) for shapes below 1, in logarithms."""
        boost = 0.0
        if shape < 1.0:
            boost = math.log(self.uniform()) / shape
            shape += 1.0
        d = shape - 1.0 / 3.0
        c = 1.0 / math.sqrt(9.0 * d)
        while True:
            while True:
                x = self.normal()
                v = 1.0 + c * x
                if v > 0.0:
                    break
            v = v * v * v
            u = self.uniform()
            if u < 1.0 - 0.0331 * (x * x) * (x * x) or \
                    math.log(u) < 0.5 * x * x + d * (1.0 - v + math.log(v)):
                return math.log(d) + math.log(v) + boost

    def beta(self, a, b):
        """X / (X + Y) of two Gamma draws, from their logarithms."""
        log_x = self.log_gamma(a)
        log_y = self.log_gamma(b)
        try:
            return 1.0 / (1.0 + math.exp(log_y - log_x))
        except OverflowError:
            return 0.0


def cents(g, p, log_nu):
    """An order amount in cents: Gamma(p) / nu, rounded half up."""
    return math.floor(math.exp(g.log_gamma(p) - log_nu) * 100.0 + 0.5)


def amount_text(c):
    return '%d.%02d' % (c // 100, c % 100)


def orders(process, customers, seed, r, alpha, a, b, p, q, v, start, days, acquisition_days):
    for ident in range(1, customers + 1):
        g = Stream(seed, ident)
        lam = math.exp(g.log_gamma(r) - math.log(alpha))
        if process == 'pareto_nbd':
            log_mu = g.log_gamma(a) - math.log(b)
            e = -math.log(g.uniform())
            try:
                lifetime = 7.0 * e * math.exp(-log_mu)
            except OverflowError:
                lifetime = math.inf
            p_drop = 0.0
        else:
            p_drop = g.beta(a, b)
            lifetime = math.inf
        log_nu = g.log_gamma(q) - math.log(v)
        first = 0
        if acquisition_days > 1:
            acq = Stream(seed, -ident)
            first = math.floor(acq.uniform() * acquisition_days)
        yield ident, start + datetime.timedelta(days=first), cents(g, p, log_nu)
        if process == 'mbgnbd' and g.uniform() < p_drop:
            continue
        time = 0.0
        while True:
            time += 7.0 * -math.log(g.uniform()) / lam
            if not (time < days - first) or not (time < lifetime):
                break
            yield ident, start + datetime.timedelta(days=first + math.floor(time)), cents(g, p, log_nu)
            if process != 'pareto_nbd' and g.uniform() < p_drop:
                break


def bgbb(customers, seed, alpha, beta, gamma, delta, n_periods):
    for ident in range(1, customers + 1):
        g = Stream(seed, ident)
        p = g.beta(alpha, beta)
        theta = g.beta(gamma, delta)
        x = tx = 0
        for j in range(1, n_periods + 1):
            if g.uniform() < theta:
                break
            if g.uniform() < p:
                x += 1
                tx = j
        yield ident, x, tx, n_periods


def main(argv):
    if argv[1] == 'bgbb':
        c, s = int(argv[2]), int(argv[3])
        al, be, ga, de = map(float, argv[4:8])
        for row in bgbb(c, s, al, be, ga, de, int(argv[8])):
            print('%d|%d|%d|%d' % row)
        return
    process = argv[1]
    c, s = int(argv[2]), int(argv[3])
    r, alpha, a, b, p, q, v = map(float, argv[4:11])
    start = datetime.date.fromisoformat(argv[11])
    for ident, day, amount in orders(process, c, s, r, alpha, a, b, p, q, v, start,
                                     int(argv[12]), int(argv[13])):
        print('%d|%s|%s' % (ident, day.isoformat(), amount_text(amount)))


if __name__ == '__main__':
    main(sys.argv)
