/*-------------------------------------------------------------------------
 *
 * revenue_movements.c
 *	  Readers of a revenue_matrix: mrr_movements (the MRR waterfall) and
 *	  net_revenue_retention (NRR and GRR over a lag).
 *
 * A customer pays in a period when its summed revenue there is > 0; its
 * MRR in the period is that revenue, else 0 (refunds and zero sums count
 * as not paying). Sums are exact int64 units of the matrix's scale; one
 * that does not fit is an error 22003.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "common/int.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"

#include "base/composite.h"
#include "base/scaled.h"
#include "base/time_unit.h"
#include "metrics/revenue_matrix.h"
#include "retention.h"

/* The columns of mrr_movements after period and customers. */
enum
{
	MOVE_MRR,
	MOVE_NEW,
	MOVE_EXPANSION,
	MOVE_CONTRACTION,
	MOVE_CHURNED,
	MOVE_REACTIVATION,
	MOVE_SUMS
};

/* Add to a sum, refusing to wrap (22003). */
static inline void
add_sum(int64 *sum, int64 value)
{
	if (unlikely(pg_add_s64_overflow(*sum, value, sum)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("revenue sum is out of range"),
				 errdetail("A sum over customers does not fit in bigint units of the matrix's scale.")));
}

/*
 * The first and last period in which some customer pays; false when no
 * customer ever pays.
 */
static bool
paying_span(RevenueMatrix *m, int32 *first, int32 *last)
{
	RevenueArrays a = revenue_matrix_arrays(m);

	*first = PG_INT32_MAX;
	*last = PG_INT32_MIN;
	for (int32 k = 0; k < m->ncells; k++)
		if (a.amounts[k] > 0)
		{
			*first = Min(*first, a.periods[k]);
			*last = Max(*last, a.periods[k]);
		}
	return *first <= *last;
}

/* Zeroed sums: rows x width int64 (rows at most the 3.65 million days of the supported years). */
static int64 *
alloc_sums(int32 rows, int width)
{
	Size		size = sizeof(int64) * (Size) rows * width;
	int64	   *sums = MemoryContextAllocHuge(CurrentMemoryContext, size);

	memset(sums, 0, size);
	return sums;
}

/* What a set-returning reader hands from call to call. */
typedef struct RowsState
{
	TimeUnit	unit;
	int			scale;
	int32		first;			/* period of row 0 */
	int32		nrows;
	int32		row;
	int64	   *customers;		/* per row */
	int64	   *sums;			/* per row, MOVE_SUMS or NRR_SUMS each */
} RowsState;

/* A reader's first call: fills st (zeroed, unit and scale set) for m. */
typedef void (*RowsBegin) (FunctionCallInfo fcinfo, RevenueMatrix *m, RowsState *st);

/* Row st->row of a reader. */
typedef HeapTuple (*RowsTuple) (FuncCallContext *funcctx, RowsState *st);

/*
 * The value-per-call protocol of the set-returning readers, written once:
 * on the first call the matrix argument is read and begin fills the rows
 * in the memory of the whole call; every call returns the next row.
 */
static Datum
rows_next(FunctionCallInfo fcinfo, RowsBegin begin, RowsTuple tuple)
{
	FuncCallContext *funcctx;
	RowsState  *st;
	HeapTuple	row;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcontext;
		RevenueMatrix *m;

		funcctx = SRF_FIRSTCALL_INIT();
		oldcontext = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		funcctx->tuple_desc = composite_result_desc(fcinfo);
		m = revenue_matrix_getarg(fcinfo, 0);
		st = palloc0(sizeof(RowsState));
		st->unit = m->unit;
		st->scale = m->scale;
		begin(fcinfo, m, st);
		funcctx->user_fctx = st;
		MemoryContextSwitchTo(oldcontext);
	}
	funcctx = SRF_PERCALL_SETUP();
	st = (RowsState *) funcctx->user_fctx;
	if (st->row >= st->nrows)
		SRF_RETURN_DONE(funcctx);
	row = tuple(funcctx, st);
	st->row++;
	SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(row));
}

/*
 * The movements of every period from first to last (rows of the state):
 * each customer's change of MRR from t - 1 to t falls in exactly one of
 * new (first payment ever), reactivation (paying after a period without,
 * having paid before), expansion or contraction (paying in both, rise or
 * fall) and churned (paid at t - 1, not at t), so mrr(t) = mrr(t - 1) +
 * new + expansion + reactivation - contraction - churned exactly.
 */
static void
fill_movements(RevenueMatrix *m, RowsState *st)
{
	RevenueArrays a = revenue_matrix_arrays(m);
	int32		k = 0;

	for (int32 i = 0; i < m->ncustomers; i++)
	{
		bool		ever = false;
		int32		last_paid = 0;	/* period of the last payment, if ever */
		int64		last_amount = 0;

		CHECK_FOR_INTERRUPTS();
		for (; k < a.ends[i]; k++)
		{
			int32		p = a.periods[k];
			int64		x = a.amounts[k];
			int64	   *row;

			if (x <= 0)
				continue;
			row = st->sums + (Size) (p - st->first) * MOVE_SUMS;
			if (!ever)
				add_sum(&row[MOVE_NEW], x);
			else if (last_paid == p - 1)
			{
				if (x >= last_amount)
					add_sum(&row[MOVE_EXPANSION], x - last_amount);
				else
					add_sum(&row[MOVE_CONTRACTION], last_amount - x);
			}
			else
			{
				add_sum(&row[MOVE_REACTIVATION], x);
				/* the payment before stopped: churned the period after it */
				add_sum(&st->sums[(Size) (last_paid + 1 - st->first) * MOVE_SUMS + MOVE_CHURNED],
						last_amount);
			}
			add_sum(&row[MOVE_MRR], x);
			st->customers[p - st->first]++;
			ever = true;
			last_paid = p;
			last_amount = x;
		}
		/* churned after the last payment, if that period is in range */
		if (ever && last_paid < st->first + st->nrows - 1)
			add_sum(&st->sums[(Size) (last_paid + 1 - st->first) * MOVE_SUMS + MOVE_CHURNED],
					last_amount);
	}
}

/* The rows of mrr_movements: every period from first to last paid. */
static void
begin_movements(FunctionCallInfo fcinfo, RevenueMatrix *m, RowsState *st)
{
	int32		first;
	int32		last;

	if (paying_span(m, &first, &last))
	{
		st->first = first;
		st->nrows = last - first + 1;
		st->customers = palloc0(sizeof(int64) * (Size) st->nrows);
		st->sums = alloc_sums(st->nrows, MOVE_SUMS);
		fill_movements(m, st);
	}
}

/* One row of mrr_movements: period, then the int64 count and sums as numerics. */
static HeapTuple
movement_tuple(FuncCallContext *funcctx, RowsState *st)
{
	Datum		values[2 + MOVE_SUMS];
	bool		nulls[2 + MOVE_SUMS] = {0};
	int64	   *sums = st->sums + (Size) st->row * MOVE_SUMS;

	values[0] = DateADTGetDatum(time_unit_period_start(st->unit, st->first + st->row));
	values[1] = Int64GetDatum(st->customers[st->row]);
	for (int j = 0; j < MOVE_SUMS; j++)
		values[2 + j] = NumericGetDatum(scaled_to_numeric(sums[j], st->scale));
	return heap_form_tuple(funcctx->tuple_desc, values, nulls);
}

/*
 * mrr_movements(revenue_matrix) returns setof (period date, customers
 * bigint, mrr numeric, new numeric, expansion numeric, contraction numeric,
 * churned numeric, reactivation numeric)
 *
 * One row per period from the first to the last in which some customer
 * pays (periods in between with nobody paying included, with zeros); no
 * rows when nobody ever pays. customers counts the paying customers, mrr
 * sums their revenue. Churn in the period after the last one with revenue
 * is outside the rows.
 */
SQL_FUNCTION(mrr_movements, rows_next(fcinfo, begin_movements, movement_tuple));

/* The sums of net_revenue_retention per period t. */
enum
{
	NRR_START,					/* MRR at t - lag of those paying then */
	NRR_NOW,					/* their MRR at t */
	NRR_CAPPED,					/* the same, each capped at its t - lag value */
	NRR_SUMS
};

/*
 * For every payment x at period s, adds x to the start of period s + lag,
 * the customer's MRR y at s + lag to NRR_NOW and min(x, y) to NRR_CAPPED;
 * rows run from first + lag to last (st->first is first + lag).
 */
static void
fill_nrr(RevenueMatrix *m, RowsState *st, int32 lag)
{
	RevenueArrays a = revenue_matrix_arrays(m);
	int32		last = st->first + st->nrows - 1;

	for (int32 i = 0; i < m->ncustomers; i++)
	{
		int32		from = i ? a.ends[i - 1] : 0;
		int32		j = from;

		CHECK_FOR_INTERRUPTS();
		for (int32 k = from; k < a.ends[i]; k++)
		{
			int64		x = a.amounts[k];
			int64		y = 0;
			int32		t;
			int64	   *row;

			if (x <= 0 || (int64) a.periods[k] + lag > last)
				continue;
			t = a.periods[k] + lag;
			/* cells are sorted: the cell at t, if any, is at or after j */
			while (j < a.ends[i] && a.periods[j] < t)
				j++;
			if (j < a.ends[i] && a.periods[j] == t && a.amounts[j] > 0)
				y = a.amounts[j];
			row = st->sums + (Size) (t - st->first) * NRR_SUMS;
			add_sum(&row[NRR_START], x);
			add_sum(&row[NRR_NOW], y);
			add_sum(&row[NRR_CAPPED], Min(x, y));
		}
	}
}

/*
 * The rows of net_revenue_retention: every period from first + lag to
 * last; a lag outside 1 .. the periods of the supported years is 22023.
 */
static void
begin_nrr(FunctionCallInfo fcinfo, RevenueMatrix *m, RowsState *st)
{
	int32		lag = PG_GETARG_INT32(1);
	int32		first;
	int32		last;

	if (lag < 1 || lag > time_unit_last_period(m->unit) - time_unit_first_period(m->unit))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lag must be between 1 and %d",
						time_unit_last_period(m->unit) - time_unit_first_period(m->unit)),
				 errdetail("lag is %d.", lag)));
	if (paying_span(m, &first, &last) && (int64) last - first >= lag)
	{
		st->first = first + lag;
		st->nrows = last - st->first + 1;
		st->sums = alloc_sums(st->nrows, NRR_SUMS);
		fill_nrr(m, st, lag);
	}
}

/* One row of net_revenue_retention: period, starting_mrr, nrr and grr. */
static HeapTuple
nrr_tuple(FuncCallContext *funcctx, RowsState *st)
{
	Datum		values[4];
	bool		nulls[4] = {0};
	int64	   *sums = st->sums + (Size) st->row * NRR_SUMS;

	values[0] = DateADTGetDatum(time_unit_period_start(st->unit, st->first + st->row));
	values[1] = NumericGetDatum(scaled_to_numeric(sums[NRR_START], st->scale));
	if (sums[NRR_START] > 0)
	{
		values[2] = Float8GetDatum((double) sums[NRR_NOW] / (double) sums[NRR_START]);
		values[3] = Float8GetDatum((double) sums[NRR_CAPPED] / (double) sums[NRR_START]);
	}
	else
		nulls[2] = nulls[3] = true;
	return heap_form_tuple(funcctx->tuple_desc, values, nulls);
}

/*
 * net_revenue_retention(revenue_matrix, lag integer) returns setof (period
 * date, starting_mrr numeric, nrr float8, grr float8)
 *
 * One row per period t from first + lag to last, first and last being the
 * first and last period in which some customer pays (no rows when the lag
 * is longer than that span): over the customers paying at t - lag,
 * starting_mrr is their MRR then, nrr their MRR at t over starting_mrr and
 * grr the same with each customer's MRR capped at its t - lag value.
 * nrr and grr are NULL when starting_mrr is 0. lag must be at least 1 and
 * at most the number of periods of the supported years (22023).
 */
SQL_FUNCTION(net_revenue_retention, rows_next(fcinfo, begin_nrr, nrr_tuple));
