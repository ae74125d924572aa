"""test/client.py: a real client reads every result type of retention.

Connects the way a BI tool does (psycopg2 over libpq, Unix socket, text
protocol), reads each type the extension returns -- the composites rfm,
rfm_score, rfm_breaks, retention_counts, btyd_summary and the model
composites bgnbd, gamma_gamma, pareto_nbd and sbg, float8[] arrays,
cohort_matrix in its JSON text form, cohort_table rows, scalars -- decodes
them on the client (a composite arrives as text such as '(12,3,245.50,200)':
once parsed by hand from that text, once through
psycopg2.extras.register_composite) and checks the decoded values against
values computed independently in plain SQL, field by field. Also checks that
an error reaches the client with its SQLSTATE and a PostgreSQL-style message.

Prints TAP; test/t/060_client.pl runs it against a node. Connection from the
environment: PGHOST (the socket directory), PGPORT, PGDATABASE.
Run with Debian's /usr/bin/python3, which has python3-psycopg2.
"""
import json
import math
import os
import sys
from datetime import date
from decimal import Decimal

import psycopg2
import psycopg2.extras

TESTS = []


def ok(cond, name, diag=None):
    TESTS.append(name)
    print("%s %d - %s" % ("ok" if cond else "not ok", len(TESTS), name))
    if not cond and diag is not None:
        for line in str(diag).splitlines():
            print("# " + line)


def parse_composite(text):
    """Split a composite's text form (record_out) into its fields: a list of
    str, None for NULL. Fields are comma-separated; a quoted field may hold
    commas, parentheses, doubled quotes and backslash escapes; an empty
    unquoted field is NULL."""
    assert text[0] == "(" and text[-1] == ")", text
    body, fields, i = text[1:-1], [], 0
    while True:
        if i < len(body) and body[i] == '"':
            i += 1
            value = []
            while True:
                c = body[i]
                if c == "\\":
                    value.append(body[i + 1])
                    i += 2
                elif c == '"' and i + 1 < len(body) and body[i + 1] == '"':
                    value.append('"')
                    i += 2
                elif c == '"':
                    i += 1
                    break
                else:
                    value.append(c)
                    i += 1
            fields.append("".join(value))
        else:
            j = body.find(",", i)
            j = len(body) if j < 0 else j
            fields.append(body[i:j] if j > i else None)
            i = j
        if i >= len(body):
            return fields
        assert body[i] == ",", (text, i)
        i += 1


def parse_float_array(text):
    """A one-dimensional float8[] text form, '{1,2.5,Infinity}', as floats."""
    if text is None:
        return None
    assert text[0] == "{" and text[-1] == "}", text
    inner = text[1:-1]
    return [float(x) for x in inner.split(",")] if inner else []


def close(a, b, tol=1e-12):
    return a is not None and b is not None and abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def main():
    conn = psycopg2.connect(host=os.environ["PGHOST"], port=os.environ.get("PGPORT", "5432"),
                            dbname=os.environ.get("PGDATABASE", "postgres"),
                            application_name="retention client test")
    conn.autocommit = True
    cur = conn.cursor()
    ok(conn.info.host.startswith("/"), "connected with libpq over the Unix socket in " + conn.info.host)
    cur.execute("""
        DROP TABLE IF EXISTS orders;
        CREATE TABLE orders AS
        SELECT customer_id, order_at AS order_date, amount FROM simulate_orders(400, 42);
        INSERT INTO orders VALUES (1000, date '2024-03-01', 25.00), (1000, date '2024-03-09', -5.50);
        ANALYZE orders""")
    as_of = date(2024, 9, 30)

    # -- rfm: composite (integer, bigint, numeric, integer)
    cur.execute("""SELECT customer_id, rfm(order_date, amount, %s)::text FROM orders
                   GROUP BY customer_id ORDER BY customer_id""", (as_of,))
    by_hand = {}
    for cid, text in cur.fetchall():
        f = parse_composite(text)
        by_hand[cid] = (int(f[0]), int(f[1]), Decimal(f[2]), int(f[3]))
    cur.execute("""SELECT customer_id, %s - max(order_date) FILTER (WHERE amount >= 0),
                          count(*) FILTER (WHERE amount >= 0), sum(amount),
                          %s - min(order_date) FILTER (WHERE amount >= 0)
                   FROM orders WHERE order_date <= %s GROUP BY customer_id ORDER BY customer_id""",
                (as_of, as_of, as_of))
    plain = {row[0]: tuple(row[1:]) for row in cur.fetchall()}
    bad = [c for c in plain if by_hand.get(c) != plain[c]]
    ok(len(plain) == 401 and not bad and len(by_hand) == 401,
       "rfm: 401 composites parsed from text equal max/count/sum/min in plain SQL",
       "mismatches: %r" % [(c, by_hand.get(c), plain[c]) for c in bad[:3]])
    ok(isinstance(by_hand[1000][2], Decimal) and by_hand[1000][2] == Decimal("19.50"),
       "rfm: monetary keeps numeric scale and refunds (19.50)")

    psycopg2.extras.register_composite("rfm", cur)
    psycopg2.extras.register_composite("rfm_score", cur)
    psycopg2.extras.register_composite("rfm_breaks", cur)
    psycopg2.extras.register_composite("retention_counts", cur)
    psycopg2.extras.register_composite("btyd_summary", cur)
    cur.execute("""SELECT customer_id, rfm(order_date, amount, %s) FROM orders
                   GROUP BY customer_id ORDER BY customer_id""", (as_of,))
    registered = {cid: (x.recency_days, x.frequency, x.monetary, x.tenure_days) for cid, x in cur.fetchall()}
    ok(registered == plain, "rfm: register_composite decodes the same named fields")

    # -- rfm_score (window): composite (integer, integer, integer, text)
    cur.execute("""
        SELECT customer_id, s, s::text, (s).r, (s).f, (s).m, (s).code, segment(s)
        FROM (SELECT customer_id, rfm_score(rfm(order_date, amount, %s)) OVER () AS s
              FROM orders GROUP BY customer_id) AS t ORDER BY customer_id""", (as_of,))
    rows = cur.fetchall()
    bad = []
    for cid, s, text, r, f, m, code, seg in rows:
        h = parse_composite(text)
        if (s.r, s.f, s.m, s.code) != (r, f, m, code) or [int(h[0]), int(h[1]), int(h[2]), h[3]] != [r, f, m, code]:
            bad.append((cid, s, text))
        if code != "%d%d%d" % (r, f, m) or not seg:
            bad.append((cid, code, seg))
    ok(len(rows) == 401 and not bad, "rfm_score: composite decoded both ways equals (s).r, (s).f, (s).m, (s).code",
       bad[:3])

    # -- rfm_breaks: composite holding float8[] arrays, quoted inside the text
    cur.execute("""
        SELECT b, b::text, (b).bins, (b).r, (b).f, (b).m
        FROM (SELECT rfm_breaks((x).recency_days, (x).frequency, (x).monetary) AS b
              FROM (SELECT rfm(order_date, amount, %s) AS x FROM orders GROUP BY customer_id) AS c) AS t""",
                (as_of,))
    b, text, bins, r, f, m = cur.fetchone()
    h = parse_composite(text)
    ok(b.bins == bins == int(h[0]) == 5, "rfm_breaks: bins 5")
    ok(b.r == r == parse_float_array(h[1]) and b.f == f == parse_float_array(h[2])
       and b.m == m == parse_float_array(h[3]) and all(len(a) == 4 for a in (r, f, m)),
       "rfm_breaks: float8[] fields decode to the same lists both ways", (text, r, f, m))
    ok(all(x <= y for a in (r, f, m) for x, y in zip(a, a[1:])), "rfm_breaks: cuts ascend")
    cur.execute("SELECT rfm_breaks(3, '{7,Infinity}'::float8[], '{-Infinity,2}'::float8[], '{1.5,1.5}'::float8[])::text")
    h = parse_composite(cur.fetchone()[0])
    ok(parse_float_array(h[1]) == [7.0, math.inf] and parse_float_array(h[2]) == [-math.inf, 2.0]
       and parse_float_array(h[3]) == [1.5, 1.5], "rfm_breaks: Infinity and -Infinity decode", h)

    # -- retention_counts: composite (bigint x 4, float8) against plain counts
    # (doc/retention.md: a row counts at instant b when started_at < b <= ended_at)
    cur.execute("""
        DROP TABLE IF EXISTS subs;
        CREATE TABLE subs AS
        SELECT date '2024-01-01' + (i * 7) % 300 AS started_at,
               CASE WHEN i % 3 = 0 THEN NULL ELSE date '2024-01-01' + (i * 7) % 300 + (i * 13) % 200 END AS ended_at
        FROM generate_series(1, 500) AS i""")
    cur.execute("""
        SELECT retention_counts(started_at, ended_at, daterange('2024-04-01', '2024-07-01')),
               retention_counts(started_at, ended_at, daterange('2024-04-01', '2024-07-01'))::text
        FROM subs""")
    rc, text = cur.fetchone()
    cur.execute("""
        SELECT count(*) FILTER (WHERE started_at < '2024-04-01' AND (ended_at IS NULL OR ended_at >= '2024-04-01')),
               count(*) FILTER (WHERE started_at < '2024-07-01' AND (ended_at IS NULL OR ended_at >= '2024-07-01')),
               count(*) FILTER (WHERE started_at >= '2024-04-01' AND started_at < '2024-07-01'
                                  AND (ended_at IS NULL OR ended_at >= '2024-07-01'))
        FROM subs""")
    start, end, new = cur.fetchone()
    h = parse_composite(text)
    ok((rc.start_count, rc.end_count, rc.new_count, rc.retained) == (start, end, new, end - new)
       and [int(x) for x in h[:4]] == [start, end, new, end - new],
       "retention_counts: start, end, new and retained equal plain counts", (rc, start, end, new))
    ok(close(rc.rate, (end - new) / start) and close(float(h[4]), rc.rate),
       "retention_counts: rate = (end - new) / start", (rc.rate, h[4]))

    # -- btyd_summary with unit 'day': composite (integer, float8, float8, float8)
    cur.execute("""SELECT customer_id, btyd_summary(order_date, amount, %s, 'day'),
                          btyd_summary(order_date, amount, %s, 'day')::text
                   FROM orders WHERE customer_id <= 400 GROUP BY customer_id ORDER BY customer_id""",
                (as_of, as_of))
    ours = {cid: (s, text) for cid, s, text in cur.fetchall()}
    cur.execute("""
        SELECT customer_id, count(*) - 1, max(order_date) - min(order_date), %s - min(order_date),
               coalesce(sum(day_amount) FILTER (WHERE order_date > first) / nullif(count(*) - 1, 0), 0)
        FROM (SELECT customer_id, order_date, sum(amount) AS day_amount,
                     min(order_date) OVER (PARTITION BY customer_id) AS first
              FROM orders WHERE customer_id <= 400 GROUP BY customer_id, order_date) AS days
        GROUP BY customer_id ORDER BY customer_id""", (as_of,))
    bad = []
    for cid, freq, rec, t, mon in cur.fetchall():
        s, text = ours[cid]
        h = parse_composite(text)
        if not (s.frequency == freq == int(h[0]) and s.recency == rec == float(h[1])
                and s.t == t == float(h[2]) and close(s.monetary_value, float(mon), 1e-9)
                and close(float(h[3]), s.monetary_value)):
            bad.append((cid, s, text, (freq, rec, t, mon)))
    ok(len(ours) == 400 and not bad, "btyd_summary: 400 composites equal purchase-day counts, spans and means in SQL",
       bad[:3])

    # -- cohort_matrix (JSON text form), cohort_table rows and retention_curve float8[]
    cur.execute("""
        DROP TABLE IF EXISTS cohort_orders;
        CREATE TABLE cohort_orders AS
        SELECT m * 1000 + customer_id AS customer_id, order_at AS order_date, amount
        FROM generate_series(0, 5) AS m,
             LATERAL simulate_orders(150, m, 0.243, 2.5, 0.793, 2.426, 6.25, 3.74, 15.44,
                                     (date '2024-01-01' + make_interval(months => m))::date,
                                     date '2024-07-01' - (date '2024-01-01' + make_interval(months => m))::date)""")
    cur.execute("""SELECT cohort_retention(customer_id, order_date, 'month', amount)::text FROM cohort_orders""")
    matrix = json.loads(cur.fetchone()[0], parse_float=Decimal)
    cur.execute("""
        WITH firsts AS (SELECT customer_id, date_trunc('month', min(order_date))::date AS cohort
                        FROM cohort_orders GROUP BY customer_id),
             cells AS (SELECT f.cohort, (extract(year FROM age(date_trunc('month', o.order_date), f.cohort)) * 12
                                + extract(month FROM age(date_trunc('month', o.order_date), f.cohort)))::int AS k,
                              o.customer_id, o.amount
                       FROM cohort_orders AS o JOIN firsts AS f USING (customer_id))
        SELECT cohort, k, count(DISTINCT customer_id), sum(amount) FROM cells GROUP BY cohort, k ORDER BY cohort, k""")
    plain = {(c, k): (n, rev) for c, k, n, rev in cur.fetchall()}
    sizes = {c: n for (c, k), (n, rev) in plain.items() if k == 0}
    bad = []
    for co in matrix["cohorts"]:
        c = date.fromisoformat(co["start"])
        if co["size"] != sizes.get(c):
            bad.append((c, "size", co["size"], sizes.get(c)))
        for k, (act, rev) in enumerate(zip(co["active"], co["revenue"])):
            want = plain.get((c, k), (0, Decimal("0")))
            if act != want[0] or rev != want[1]:
                bad.append((c, k, act, rev, want))
    ok(matrix["unit"] == "month" and matrix["last"] == "2024-06-01" and len(matrix["cohorts"]) == 6 and not bad,
       "cohort_matrix: JSON text form decodes; sizes, active and revenue equal plain SQL", bad[:3])

    cur.execute("""SELECT t.* FROM (SELECT cohort_retention(customer_id, order_date, 'month', amount) AS m
                                    FROM cohort_orders) AS x, cohort_table(x.m) AS t
                   ORDER BY cohort, period_offset""")
    names = [d.name for d in cur.description]
    rows = cur.fetchall()
    bad = []
    for c, k, size, active, retention, revenue in rows:
        want = plain.get((c, k), (0, Decimal("0")))
        if not (isinstance(c, date) and size == sizes[c] and active == want[0] and revenue == want[1]
                and isinstance(revenue, Decimal) and close(retention, want[0] / sizes[c])):
            bad.append((c, k, size, active, retention, revenue, want))
    ok(names == ["cohort", "period_offset", "cohort_size", "active", "retention", "revenue"]
       and len(rows) == 6 * 7 // 2 and not bad,
       "cohort_table: 21 rows of (date, int, bigint, bigint, float8, numeric) equal plain SQL", (names, bad[:3]))

    cur.execute("""SELECT retention_curve(m), retention_curve(m)::text
                   FROM (SELECT cohort_retention(customer_id, order_date, 'month') AS m FROM cohort_orders) AS x""")
    curve, text = cur.fetchone()
    want = []
    for k in range(6):
        reached = [c for c in sizes if (c.year - 2024) * 12 + c.month - 1 + k <= 5]
        want.append(sum(plain.get((c, k), (0, 0))[0] for c in reached) / sum(sizes[c] for c in reached))
    ok(isinstance(curve, list) and len(curve) == 6 and all(close(a, b) for a, b in zip(curve, want))
       and parse_float_array(text) == curve,
       "retention_curve: float8[] decodes to the pooled retention computed on the client", (curve, want))

    # -- model composites: bgnbd, gamma_gamma, pareto_nbd (float8 x 4 or 3, float8, bigint, boolean,
    #    float8[][] covariance), sbg
    for name in ("bgnbd", "gamma_gamma", "pareto_nbd", "sbg"):
        psycopg2.extras.register_composite(name, cur)
    cur.execute("""
        DROP TABLE IF EXISTS summaries;
        CREATE TABLE summaries AS
        SELECT customer_id, (btyd_summary(order_date, amount, date '2024-09-30', 'week')).*
        FROM orders WHERE customer_id <= 400 GROUP BY customer_id""")
    cur.execute("""
        SELECT bg, bg::text, (bg).r, (bg).alpha, (bg).a, (bg).b, (bg).loglik, (bg).n, (bg).converged,
               (bg).covariance,
               gg, gg::text, (gg).p, (gg).q, (gg).v, (gg).loglik, (gg).n, (gg).converged, (gg).covariance,
               pn, pn::text, (pn).r, (pn).alpha, (pn).s, (pn).beta, (pn).loglik, (pn).n, (pn).converged,
               (pn).covariance
        FROM (SELECT bgnbd_fit(frequency, recency, t) AS bg, gamma_gamma_fit(frequency, monetary_value) AS gg,
                     pareto_nbd_fit(frequency, recency, t) AS pn FROM summaries) AS f""")
    row = cur.fetchone()
    for (name, fields), start in ((("bgnbd", ("r", "alpha", "a", "b", "loglik", "n", "converged", "covariance")), 0),
                                  (("gamma_gamma", ("p", "q", "v", "loglik", "n", "converged", "covariance")), 10),
                                  (("pareto_nbd", ("r", "alpha", "s", "beta", "loglik", "n", "converged",
                                                   "covariance")), 19)):
        model, text, selected = row[start], row[start + 1], row[start + 2:start + 2 + len(fields)]
        h = parse_composite(text)
        k = len(fields) - 4
        # the covariance's text form '{{a,b},{c,d}}', row by row
        rows = h[-1][2:-2].split("},{") if h[-1] is not None else []
        by_hand = ([float(x) for x in h[:-4]] + [float(h[-4]), int(h[-3]), h[-2] == "t"]
                   + [[parse_float_array("{" + r + "}") for r in rows] if h[-1] is not None else None])
        ok(tuple(getattr(model, f) for f in fields) == tuple(selected) and tuple(by_hand) == tuple(selected)
           and isinstance(selected[-3], int) and isinstance(selected[-2], bool)
           and len(selected[-1]) == k and all(len(r) == k for r in selected[-1]),
           "%s: composite decoded both ways equals its fields selected one by one" % name, (text, selected))
    bg = row[0]
    ok(bg.converged and bg.n == 400, "bgnbd: converged over the 400 customers", bg)
    cur.execute("""SELECT customer_id, frequency, recency, t, bgnbd_p_alive(%s, frequency, recency, t)
                   FROM summaries ORDER BY customer_id""", (psycopg2.extensions.AsIs(
                       "ROW(%r, %r, %r, %r, NULL, NULL, NULL, NULL)::bgnbd" % (bg.r, bg.alpha, bg.a, bg.b)),))
    bad = []
    for cid, x, tx, t, p_alive in cur.fetchall():
        # Fader, Hardie & Lee (2005), equation (11), evaluated on the client from the decoded parameters
        want = 1.0 if x == 0 else 1.0 / (1.0 + bg.a / (bg.b + x - 1) * ((bg.alpha + t) / (bg.alpha + tx)) ** (bg.r + x))
        if not close(p_alive, want, 1e-9):
            bad.append((cid, x, tx, t, p_alive, want))
    ok(not bad, "bgnbd_p_alive of 400 customers equals the closed form computed from the decoded parameters", bad[:3])

    cur.execute("SELECT m, m::text, (m).alpha, (m).beta, (m).loglik, (m).converged, "
                "sbg_survival(m, 3), sbg_retention(m, 3) "
                "FROM (SELECT sbg_fit(ARRAY[1000, 869, 743, 653, 593, 551, 517, 491]::bigint[]) AS m) AS f")
    m, text, alpha, beta, loglik, converged, s3, r3 = cur.fetchone()
    h = parse_composite(text)
    ok((m.alpha, m.beta, m.loglik, m.converged) == (alpha, beta, loglik, converged)
       and [float(h[0]), float(h[1]), float(h[2]), h[3] == "t"] == [alpha, beta, loglik, converged],
       "sbg: composite decoded both ways equals its fields", text)
    # Fader & Hardie (2007): S(t) = B(alpha, beta + t) / B(alpha, beta); r(t) = (beta + t - 1) / (alpha + beta + t - 1)
    lbeta = lambda x, y: math.lgamma(x) + math.lgamma(y) - math.lgamma(x + y)
    ok(close(s3, math.exp(lbeta(alpha, beta + 3) - lbeta(alpha, beta)), 1e-9)
       and close(r3, (beta + 2) / (alpha + beta + 2), 1e-9),
       "sbg_survival and sbg_retention equal the closed forms computed from the decoded alpha and beta",
       (s3, r3, alpha, beta))

    # -- scalars
    cur.execute("SELECT retention_rate(150, 200, 80), cltv(10000, 0.01), payback_periods(100000, 10000), segment(5, 4)")
    ok(cur.fetchone() == (0.8, 1000000.0, 10, "Champions"), "scalars: float8, integer and text decode")

    # -- an error reaches the client with its SQLSTATE, in PostgreSQL's style
    try:
        cur.execute("SELECT rfm_breaks(1, ARRAY[1]::float8[], ARRAY[1]::float8[], ARRAY[1]::float8[])")
        ok(False, "a bad argument raises an error")
    except psycopg2.Error as e:
        primary = e.diag.message_primary or ""
        ok(e.pgcode == "22023" and primary[:1].islower() and not primary.endswith("."),
           "a bad argument raises 22023 with a lower-case message without a final period",
           (e.pgcode, primary))

    conn.close()
    print("1..%d" % len(TESTS))


if __name__ == "__main__":
    main()
    sys.exit(0)
