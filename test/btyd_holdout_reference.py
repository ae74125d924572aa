#!/usr/bin/env python3
"""Independent reference for btyd_holdout: the calibration/holdout split of
lifetimes' calibration_and_holdout_data(transactions, 'customer_id', 'date',
calibration_period_end, observation_period_end, freq='D',
monetary_value_col='dollar_value'), written from its documented algorithm
(lifetimes/utils.py, CamDavidsonPilon/lifetimes) in plain Python, since
lifetimes and pandas are not installed here. Used by
test/t/210_btyd_holdout_cdnow.pl.

  usage: btyd_holdout_reference.py TRANSACTIONS CALIBRATION_END HOLDOUT_END

TRANSACTIONS is whitespace-separated text with the columns of
CDNOW_master.txt (customer_id, yyyymmdd, number_of_cds, dollar_value) and a
header line. Writes one tab-separated line per customer with a calibration
purchase:

  customer_id, frequency_cal, recency_cal, T_cal, monetary_value_cal,
  frequency_holdout, monetary_value_holdout, duration_holdout,
  monetary_value_holdout_per_day

The first eight are lifetimes' columns. lifetimes' algorithm, step by step:
  calibration: the rows on or before calibration_end; their daily periods;
    rows of one customer and day summed into one purchase; the earliest
    day is the first purchase; frequency = days - 1, T = calibration_end -
    first day, recency = last day - first day (days), monetary_value = mean
    of the non-first day totals (0 when there is none);
  holdout: the rows in (calibration_end, holdout_end]; frequency_holdout =
    distinct (customer, day) pairs; monetary_value_holdout = mean of the raw
    holdout rows (not of day totals); joined onto the calibration customers,
    missing values 0; duration_holdout = holdout_end - calibration_end in
    days.
The last column is the retention convention, the mean of the holdout day
totals (0 with none), the one column where the two differ by design.
"""
import math
import sys
from datetime import date


def parse_day(text):
    return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))


def main(path, calibration_end, holdout_end):
    cal_end = parse_day(calibration_end)
    hold_end = parse_day(holdout_end)
    cal_days = {}       # customer -> {day: [amounts]}
    hold_days = {}      # customer -> {day: [amounts]}
    with open(path, encoding="ascii") as f:
        next(f)
        for line in f:
            fields = line.split()
            if not fields:
                continue
            customer, day, amount = int(fields[0]), parse_day(fields[1]), float(fields[3])
            if day <= cal_end:
                cal_days.setdefault(customer, {}).setdefault(day, []).append(amount)
            elif day <= hold_end:
                hold_days.setdefault(customer, {}).setdefault(day, []).append(amount)
    duration = (hold_end - cal_end).days
    out = sys.stdout
    for customer in sorted(cal_days):
        days = sorted(cal_days[customer])
        first, last = days[0], days[-1]
        totals = [math.fsum(cal_days[customer][d]) for d in days[1:]]
        monetary = math.fsum(totals) / len(totals) if totals else 0.0
        held = hold_days.get(customer, {})
        rows = [a for d in held for a in held[d]]
        raw_mean = math.fsum(rows) / len(rows) if rows else 0.0
        day_mean = math.fsum(math.fsum(held[d]) for d in held) / len(held) if held else 0.0
        out.write("\t".join(str(v) for v in (
            customer, len(days) - 1, float((last - first).days), float((cal_end - first).days),
            repr(monetary), len(held), repr(raw_mean), float(duration), repr(day_mean))) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3])
