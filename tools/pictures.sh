#!/usr/bin/env bash
# tools/pictures.sh: renders the pictures of README.md and doc/ from the demo
# data. Installs what is missing from Debian (gnuplot-nox among it), builds
# the extension into the private server tree (the system's
# server is not touched), starts a throwaway cluster, runs the product tour
# demo/report.sql and plots two of its results with gnuplot's pngcairo
# terminal (no X needed):
#   doc/img/cohort_heatmap.png  monthly cohort retention, cohort x month offset
#   doc/img/segments.png        share of customers and of revenue per RFM segment
#   doc/img/mrr_movements.png   monthly revenue movements (mrr_movements) and MRR
#   doc/img/survival.png        Kaplan-Meier customer lifetimes by acquisition
#                               half-year, with their 95% bands
#   doc/img/holdout.png         BG/NBD predicted and actual holdout purchases by
#                               calibration repeat purchases (doc/validation.md)
#   doc/img/tracking.png        cumulative repeat purchases per week: actual
#                               (plain SQL) and the BG/NBD fit's (bgnbd_tracking)
# Leaves no server running. The data are deterministic, so a rerun gives the
# same pictures. It rebuilds the private tree that tools/test.sh uses, so do
# not run the two at once in one checkout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_packages
build_extension
make_private_tree
WORK=$(mktemp -d /tmp/retention-pictures.XXXXXX)
trap 'cleanup_run; rm -rf "$WORK"' EXIT
start_cluster "$BINDIR"

say "running the demo"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -f "$ROOT/demo/report.sql" >/dev/null

# tab-separated data for gnuplot, no header
export_tsv() { psql -X -q -v ON_ERROR_STOP=1 -d postgres -At -F $'\t' -c "$1" >"$2"; }

# cohort index (0 = oldest), month offset, retention in %, cohort label;
# offset 0 (always 100 %) is left out so the colour scale shows the rest
export_tsv "SELECT dense_rank() OVER (ORDER BY cohort) - 1, period_offset,
                   round(100 * retention::numeric, 1), to_char(cohort, 'YYYY-MM')
            FROM cohorts, cohort_table(matrix)
            WHERE period_offset > 0 ORDER BY cohort, period_offset" "$WORK/heatmap.tsv"
export_tsv "SELECT dense_rank() OVER (ORDER BY cohort) - 1, to_char(cohort, 'YYYY-MM') || '  (' || cohort_size || ')'
            FROM cohorts, cohort_table(matrix) WHERE period_offset = 0 ORDER BY cohort" "$WORK/cohorts.tsv"
# segment, % of customers, % of revenue, largest revenue first
export_tsv "SELECT segment, round(100.0 * count(*) / sum(count(*)) OVER (), 1),
                   round(100 * sum((rfm).monetary) / sum(sum((rfm).monetary)) OVER (), 1)
            FROM rfm_june GROUP BY segment ORDER BY 3 DESC" "$WORK/segments.tsv"
# month, new, expansion, reactivation, contraction, churned, mrr (the
# demo's orders as monthly revenue)
export_tsv "SELECT to_char(period, 'YYYY-MM'), new, expansion, reactivation, contraction, churned, mrr
            FROM mrr_movements((SELECT revenue_retention(customer_id, order_date, amount, 'month') FROM orders))
            ORDER BY period" "$WORK/mrr.tsv"
ncohorts=$(wc -l <"$WORK/cohorts.tsv")
# per acquisition half-year: the step curve from (0, 1) and the band, one
# block per group separated by two blank lines (gnuplot's index)
for g in '2024 H1' '2024 H2' '2025 H1'; do
    export_tsv "SELECT 0, 1, 1, 1 UNION ALL
                SELECT t.\"time\", t.survival, coalesce(t.lower_95, t.survival), coalesce(t.upper_95, t.survival)
                FROM lifetime_curves AS c, km_table(c.curve) AS t WHERE c.acquired = '$g'" "$WORK/km.tsv"
    cat "$WORK/km.tsv" >>"$WORK/survival.tsv"
    printf '\n\n' >>"$WORK/survival.tsv"
done

# repeat purchases to March (7 = 7 or more), actual and predicted mean
# purchase days in the 13 holdout weeks (the demo's holdout_check)
export_tsv "SELECT CASE WHEN x_cal = 7 THEN '7+' ELSE x_cal::text END, round(actual, 4), round(predicted::numeric, 4)
            FROM holdout_check ORDER BY x_cal" "$WORK/holdout.tsv"
# week k, its end, expected (the demo's BG/NBD fit, bgnbd_tracking) and
# actual cumulative repeat purchase days (plain SQL, doc/clv.md) by the
# end of week k, from the first order to 2025-07-01
export_tsv "WITH firsts AS (SELECT customer_id, min(order_date) AS first_purchase FROM orders GROUP BY customer_id),
                 span AS (SELECT min(first_purchase) AS start, (date '2025-07-01' - min(first_purchase)) / 7 AS weeks FROM firsts),
                 curve AS (SELECT bgnbd_tracking(m.bgnbd, f.first_purchase, s.start, s.weeks, 'week') AS c
                           FROM firsts AS f, fits AS m, span AS s),
                 repeat_days AS (SELECT DISTINCT o.customer_id, o.order_date FROM orders AS o JOIN firsts AS f USING (customer_id)
                                 WHERE o.order_date > f.first_purchase),
                 actual AS (SELECT (r.order_date - s.start) / 7 AS week, count(*) AS n FROM repeat_days AS r, span AS s GROUP BY 1)
            SELECT k, to_char(s.start + 7 * k, 'YYYY-MM-DD'), round(c.c[k]::numeric, 1),
                   (SELECT coalesce(sum(a.n), 0) FROM actual AS a WHERE a.week < k)
            FROM span AS s, curve AS c, generate_series(1, s.weeks) AS k ORDER BY k" "$WORK/tracking.tsv"

mkdir -p "$ROOT/doc/img"
say "plotting into doc/img/"
gnuplot <<GNUPLOT
set terminal pngcairo size 1000,620 font "DejaVu Sans,10"
set datafile separator "\t"

set output "$ROOT/doc/img/cohort_heatmap.png"
set title "Monthly cohort retention: % of each cohort ordering in month k after its first (demo data)"
set xlabel "months since first order"
set ylabel "cohort (new customers)"
set xrange [0.5:$ncohorts - 0.5]
set yrange [$ncohorts - 0.5:-0.5]
set xtics 1 scale 0
set ytics scale 0
set cbrange [0:20]
set cblabel "% active"
set palette defined (0 "#f7fbff", 5 "#c6dbef", 10 "#6baed6", 15 "#2171b5", 20 "#08306b")
set style fill solid 1.0 noborder
unset key
plot "$WORK/heatmap.tsv" using 2:1:(0.5):(0.5):3 with boxxyerror fillcolor palette, \
     "$WORK/heatmap.tsv" using 2:1:(sprintf("%.0f", \$3)):(\$3 > 11 ? 0xffffff : 0x000000) \
         with labels textcolor rgb variable font ",8", \
     "$WORK/cohorts.tsv" using (0.5):1:ytic(2) with points pointtype -1

reset
set datafile separator "\t"
set output "$ROOT/doc/img/segments.png"
set title "RFM segments as of 2025-06-30: share of customers and of revenue (demo data)"
set ylabel "%"
set yrange [0:*]
set grid ytics
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set xtics rotate by -30 scale 0 nomirror
set key top right
set rmargin 10
plot "$WORK/segments.tsv" using 2:xtic(1) title "% of customers" linecolor rgb "#6baed6", \
     "" using 3 title "% of revenue" linecolor rgb "#08306b"

reset
set datafile separator "\t"
set output "$ROOT/doc/img/mrr_movements.png"
set title "Monthly revenue movements (mrr_movements) and revenue of paying customers (demo data)" noenhanced
set ylabel "movement"
set y2label "MRR"
set ytics nomirror
set y2tics
set grid ytics
set xzeroaxis linewidth 1.5
set style fill solid 0.9 noborder
set boxwidth 0.8
set xtics rotate by -45 scale 0 nomirror
set key top left
plot "$WORK/mrr.tsv" using 0:(\$2 + \$3 + \$4):xtic(1) with boxes title "reactivation" linecolor rgb "#74c476", \
     "" using 0:(\$2 + \$3) with boxes title "expansion" linecolor rgb "#31a354", \
     "" using 0:2 with boxes title "new" linecolor rgb "#006d2c", \
     "" using 0:(-\$5 - \$6) with boxes title "churned" linecolor rgb "#de2d26", \
     "" using 0:(-\$5) with boxes title "contraction" linecolor rgb "#fc9272", \
     "" using 0:7 axes x1y2 with linespoints title "MRR (right axis)" linecolor rgb "#08306b" linewidth 2 pointtype 7
set output "$ROOT/doc/img/survival.png"
set title "Customer lifetimes by acquisition half-year: Kaplan-Meier with 95% log-log bands (demo data)"
set xlabel "days from first to last order (lapsed: no order in 90 days before 2025-06-30)"
set ylabel "share of customers still active"
set yrange [0:1]
set xrange [0:*]
set grid
set key top right
set style fill transparent solid 0.2 noborder
plot for [i=0:2] "$WORK/survival.tsv" index i using 1:3:4 with filledcurves notitle linecolor i + 1, \
     for [i=0:2] "$WORK/survival.tsv" index i using 1:2 with steps linewidth 2 linecolor i + 1 \
         title word("2024-H1 2024-H2 2025-H1", i + 1)

reset
set datafile separator "\t"
set output "$ROOT/doc/img/holdout.png"
set title "BG/NBD fitted on orders to 2025-03-31: predicted and actual purchases in the 13 weeks after (demo data)"
set xlabel "repeat purchases in the calibration period"
set ylabel "mean purchase days per customer in the holdout"
set yrange [0:*]
set grid ytics
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set xtics scale 0 nomirror
set key top left
plot "$WORK/holdout.tsv" using 2:xtic(1) title "actual" linecolor rgb "#6baed6", \
     "" using 3 title "predicted (bgnbd_expected_purchases)" noenhanced linecolor rgb "#08306b"

reset
set datafile separator "\t"
set output "$ROOT/doc/img/tracking.png"
set title "Cumulative repeat purchases: actual and BG/NBD expected (bgnbd_tracking, fitted on all orders; demo data)" noenhanced
set xlabel "week (end of)"
set ylabel "repeat purchase days, cumulative"
set grid
set key top left
set xtics rotate by -45 scale 0 nomirror
plot "$WORK/tracking.tsv" using 1:4:xtic(int(\$1) % 8 == 0 ? stringcolumn(2) : "") with lines title "actual" linecolor rgb "#08306b" linewidth 2, \
     "" using 1:3 with lines title "expected (BG/NBD)" linecolor rgb "#de2d26" linewidth 2 dashtype 2
GNUPLOT
ls -l "$ROOT"/doc/img/*.png >&2
