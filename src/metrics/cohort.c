/*-------------------------------------------------------------------------
 *
 * cohort.c
 *	  The cohort_retention, revenue_retention and activity_matrix
 *	  aggregates: acquisition-cohort retention in one pass over activity
 *	  rows, with no sort. Their rows go into the shared per-customer state
 *	  (cohort_state.c); the final functions turn it into a cohort_matrix
 *	  (counts per cohort and offset, cohort_matrix.h) or a revenue_matrix
 *	  (revenue per customer and period, revenue_matrix.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "port/pg_bitutils.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"

#include "base/codec.h"
#include "base/time_unit.h"
#include "metrics/cohort_matrix.h"
#include "metrics/cohort_state.h"
#include "metrics/revenue_matrix.h"
#include "retention.h"

/* The period unit of a row's time_unit argument: the same in every row. */
static TimeUnit
arg_unit(const CohortState *state, Datum period)
{
	TimeUnit	unit = time_unit_of(period);

	if (state != NULL && unit != state->unit)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period must be the same for every row of a group"),
				 errdetail("The group's period is '%s' but a row has '%s'.",
						   time_unit_name(state->unit), time_unit_name(unit))));
	return unit;
}

/*
 * The activity date of a row of `aggregate`: the date itself, or a
 * timestamptz's date in the session TimeZone.
 */
static DateADT
arg_activity(FunctionCallInfo fcinfo, bool is_tstz, const CohortAggregate *aggregate)
{
	DateADT		date;
	static DateADT min_date = 0;
	static DateADT max_date = 0;

	if (min_date == 0)
	{
		min_date = date2j(TIME_UNIT_MIN_YEAR, 1, 1) - POSTGRES_EPOCH_JDATE;
		max_date = date2j(TIME_UNIT_MAX_YEAR, 12, 31) - POSTGRES_EPOCH_JDATE;
	}
	if (is_tstz)
		date = DatumGetDateADT(DirectFunctionCall1(timestamptz_date, PG_GETARG_DATUM(2)));
	else
		date = PG_GETARG_DATEADT(2);
	if (date < min_date || date > max_date)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s is out of range for %s", aggregate->date_arg, aggregate->name),
				 errdetail("%s is %s; periods cover the dates from 0001-01-01 to 9999-12-31.", aggregate->date_arg,
						   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(date))))));
	return date;
}

/*
 * Transition for one row (customer_id, activity_at, period [, amount]), or
 * for revenue_retention (customer_id, period_at, amount, unit): the unit is
 * argument unit_arg, the amount (if any) amount_arg; amount_arg -1 keeps
 * the revenue state with every amount 0 (activity_matrix). Rows with a NULL
 * customer_id, activity_at or period are skipped; a NULL amount counts the
 * activity with no revenue. Errors name `aggregate`.
 */
static Datum
trans_row(FunctionCallInfo fcinfo, const CohortAggregate *aggregate, bool text_keys,
		  bool is_tstz, int unit_arg, int amount_arg)
{
	MemoryContext aggcontext;
	CohortState *state;
	bool		has_amount = amount_arg < 0 || PG_NARGS() > amount_arg;
	TimeUnit	unit;
	int32		period;
	int64		revenue = 0;
	uint64		key;

	if (!codec_begin_trans(fcinfo, "cohort_retention_trans", 2, &aggcontext, (void **) &state) ||
		PG_ARGISNULL(unit_arg))
		return codec_combine_left(fcinfo);

	unit = arg_unit(state, PG_GETARG_DATUM(unit_arg));
	period = time_unit_period(unit, arg_activity(fcinfo, is_tstz, aggregate));
	if (state == NULL)
	{
		state = cohort_state_create(aggcontext, text_keys, has_amount, unit, 0);
		state->aggregate = aggregate;
	}
	if (amount_arg >= 0 && has_amount && !PG_ARGISNULL(amount_arg))
		revenue = cohort_state_amount(state, PG_GETARG_DATUM(amount_arg));

	if (text_keys)
	{
		text	   *id = PG_GETARG_TEXT_PP(1);

		key = (uint64) (uintptr_t) cohort_state_probe(state, VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id));
	}
	else
		key = (uint64) PG_GETARG_INT64(1);
	cohort_state_add_row(state, key, period, revenue);
	PG_RETURN_POINTER(state);
}

/* cohort_retention's rows: (customer_id, activity_at, period [, amount]). */
static inline Datum
cohort_trans_common(FunctionCallInfo fcinfo, bool text_keys, bool is_tstz)
{
	return trans_row(fcinfo, &cohort_aggregate, text_keys, is_tstz, 3, 4);
}

/*
 * revenue_retention_trans(internal, customer_id bigint, period_at date,
 *						   amount numeric, unit time_unit)
 *
 * The revenue_retention aggregate keeps the state of cohort_retention with
 * amounts; only its argument order and final function differ.
 */
SQL_FUNCTION(revenue_retention_trans, trans_row(fcinfo, &revenue_aggregate, false, false, 4, 3));

/*
 * activity_matrix_trans(internal, user_id bigint, active_at date, unit
 *						 time_unit)
 *
 * The activity_matrix aggregate: revenue_retention's state and final
 * function with every amount 0, so that a cell means "active".
 */
SQL_FUNCTION(activity_matrix_trans, trans_row(fcinfo, &activity_aggregate, false, false, 3, -1));

/*
 * cohort_retention_trans(internal, customer_id bigint, activity_at date,
 *						  period text [, amount numeric])
 */
SQL_FUNCTION(cohort_retention_trans_int_date, cohort_trans_common(fcinfo, false, false));

/*
 * cohort_retention_trans(internal, customer_id bigint, activity_at
 *						  timestamptz, period text [, amount numeric])
 *
 * Periods of a timestamptz are those of its date in the session TimeZone.
 */
SQL_FUNCTION(cohort_retention_trans_int_tstz, cohort_trans_common(fcinfo, false, true));

/*
 * cohort_retention_trans(internal, customer_id text, activity_at date,
 *						  period text [, amount numeric])
 */
SQL_FUNCTION(cohort_retention_trans_text_date, cohort_trans_common(fcinfo, true, false));

/*
 * cohort_retention_trans(internal, customer_id text, activity_at
 *						  timestamptz, period text [, amount numeric])
 */
SQL_FUNCTION(cohort_retention_trans_text_tstz, cohort_trans_common(fcinfo, true, true));

/*
 * The aggregate a combine call belongs to (the leader combines deserialized
 * states, which do not record it), or NULL when the call has no Aggref.
 */
static const CohortAggregate *
aggregate_of_call(FunctionCallInfo fcinfo)
{
	Aggref	   *aggref = AggGetAggref(fcinfo);
	char	   *name = aggref ? get_func_name(aggref->aggfnoid) : NULL;

	if (name == NULL)
		return NULL;
	if (strcmp(name, revenue_aggregate.name) == 0)
		return &revenue_aggregate;
	if (strcmp(name, activity_aggregate.name) == 0)
		return &activity_aggregate;
	return &cohort_aggregate;
}

/*
 * cohort_retention_combine(internal, internal) returns internal
 *
 * Merges two partial states: a customer seen by both gets the union of
 * their period sets (so the earlier first period) and the summed revenue.
 */
PG_FUNCTION_INFO_V1(cohort_retention_combine);
Datum
cohort_retention_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	CohortState *left;
	CohortState *right;

	if (!codec_begin_combine(fcinfo, "cohort_retention", &aggcontext, (void **) &left, (void **) &right))
		return codec_combine_left(fcinfo);
	if (left == NULL)
		left = cohort_state_create(aggcontext, right->text_keys, right->has_revenue, right->unit,
							right->customers->members);
	if (left->aggregate == NULL)
		left->aggregate = right->aggregate ? right->aggregate : aggregate_of_call(fcinfo);
	cohort_state_merge(left, right);
	AssertCheckCohortState(left);
	PG_RETURN_POINTER(left);
}

/*
 * Refuse (54000) to build a matrix of more than COHORT_MAX_CELLS cells per
 * count, before allocating it.
 */
static void
check_cells_limit(TimeUnit unit, int32 ncohorts, const int32 *starts, int32 last)
{
	uint64		cells = cohort_matrix_ncells(ncohorts, starts, last);

	if (cells > COHORT_MAX_CELLS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("cohort matrix would have too many cells"),
				 errdetail("%d cohorts by '%s' from %s to %s need " UINT64_FORMAT " cells; the limit is %d, which keeps the matrix and its text form under the 1 GB limit of a value.",
						   ncohorts, time_unit_name(unit),
						   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(time_unit_period_start(unit, starts[0])))),
						   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(time_unit_period_start(unit, last)))),
						   cells, COHORT_MAX_CELLS),
				 errhint("Use a longer period, such as 'week' or 'month' instead of 'day', or fewer years of activity.")));
}

/*
 * cohort_retention_final(internal) returns cohort_matrix
 *
 * Counts, for every cohort (first period) and offset k up to the last
 * period with any activity, the customers active in period cohort + k and
 * those whose last activity is at cohort + k or later, and sums their
 * revenue in period cohort + k. NULL when no row was aggregated.
 */
PG_FUNCTION_INFO_V1(cohort_retention_final);
Datum
cohort_retention_final(PG_FUNCTION_ARGS)
{
	CohortState *state = PG_ARGISNULL(0) ? NULL : (CohortState *) PG_GETARG_POINTER(0);
	cohort_hash_iterator it;
	CohortCustomer *customer;
	int32		span;
	int64	   *slots;
	int32		ncohorts = 0;
	int32	   *starts;
	CohortMatrix *matrix;
	int64	   *cells;
	int			blocks;
	int64		offset = 0;

	if (state == NULL || state->customers->members == 0)
		PG_RETURN_NULL();
	span = state->max_period - state->min_period + 1;

	/*
	 * cohort sizes by first period, then each cohort's cell offset; span is
	 * at most the 3.65 million days of the supported years (29 MB)
	 */
	slots = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * (Size) span);
	memset(slots, 0, sizeof(int64) * (Size) span);
	cohort_hash_start_iterate(state->customers, &it);
	while ((customer = cohort_hash_iterate(state->customers, &it)) != NULL)
	{
		int32		first;
		int32		last;

		cohort_customer_span(customer, &first, &last);
		if (slots[first - state->min_period]++ == 0)
			ncohorts++;
	}
	starts = palloc(sizeof(int32) * ncohorts);
	ncohorts = 0;
	for (int32 j = 0; j < span; j++)
		if (slots[j] > 0)
			starts[ncohorts++] = state->min_period + j;
	check_cells_limit(state->unit, ncohorts, starts, state->max_period);
	matrix = cohort_matrix_alloc(state->unit, state->has_revenue ? COHORT_MATRIX_HAS_REVENUE : 0,
								 state->revenue_scale, ncohorts, starts, state->max_period);
	cells = cohort_matrix_cells(matrix);
	blocks = cohort_matrix_blocks(matrix->flags);
	for (int32 i = 0; i < ncohorts; i++)
	{
		slots[starts[i] - state->min_period] = offset;
		offset += (int64) blocks * cohort_matrix_len(matrix, starts[i]);
	}

	/* active and revenue per period, rolling as a count of last periods */
	cohort_hash_start_iterate(state->customers, &it);
	while ((customer = cohort_hash_iterate(state->customers, &it)) != NULL)
	{
		int32		first;
		int32		last;
		int32		len;
		int64	   *active;

		CHECK_FOR_INTERRUPTS();
		cohort_customer_span(customer, &first, &last);
		len = cohort_matrix_len(matrix, first);
		active = cells + slots[first - state->min_period];
		active[len + last - first]++;
		if (customer->spilled)
		{
			CohortSpill *spill = customer->set.spill;

			for (int32 i = 0; i < spill->n; i++)
			{
				active[spill->periods[i] - first]++;
				if (state->has_revenue)
					cohort_add_revenue(cohort_aggregate.name, &active[2 * len + spill->periods[i] - first],
								cohort_spill_revenue(spill)[i]);
			}
		}
		else
		{
			uint64		bits = customer->set.bits;

			while (bits)
			{
				active[pg_rightmost_one_pos64(bits)]++;
				bits &= bits - 1;
			}
		}
	}
	for (int32 i = 0; i < ncohorts; i++)
	{
		int32		len = cohort_matrix_len(matrix, starts[i]);
		int64	   *rolling = cells + slots[starts[i] - state->min_period] + len;

		for (int32 k = len - 2; k >= 0; k--)
			rolling[k] += rolling[k + 1];
	}
#ifdef USE_ASSERT_CHECKING
	cohort_matrix_check(matrix, VARSIZE(matrix), ERRCODE_INTERNAL_ERROR);
#endif
	pfree(slots);
	PG_RETURN_POINTER(matrix);
}

/*
 * revenue_retention_final(internal) returns revenue_matrix
 *
 * Hands every customer's periods and summed revenue to revenue_matrix_build
 * (which orders them by id); the size limit is checked before anything is
 * allocated. NULL when no row was aggregated.
 */
PG_FUNCTION_INFO_V1(revenue_retention_final);
Datum
revenue_retention_final(PG_FUNCTION_ARGS)
{
	CohortState *state = PG_ARGISNULL(0) ? NULL : (CohortState *) PG_GETARG_POINTER(0);
	cohort_hash_iterator it;
	CohortCustomer *customer;
	RevenueCustomer *customers;
	uint64		ncells = 0;
	int32		n = 0;

	if (state == NULL || state->customers->members == 0)
		PG_RETURN_NULL();
	if (state->text_keys || !state->has_revenue)
		elog(ERROR, "revenue_retention_final called with a cohort_retention state");
	cohort_hash_start_iterate(state->customers, &it);
	while ((customer = cohort_hash_iterate(state->customers, &it)) != NULL)
		ncells += customer->set.spill->n;
	revenue_matrix_check_limit(state->unit, state->customers->members, ncells);

	customers = palloc(sizeof(RevenueCustomer) * state->customers->members);
	cohort_hash_start_iterate(state->customers, &it);
	while ((customer = cohort_hash_iterate(state->customers, &it)) != NULL)
	{
		customers[n].id = (int64) customer->key;
		customers[n].n = customer->set.spill->n;
		customers[n].periods = customer->set.spill->periods;
		customers[n].amounts = cohort_spill_revenue(customer->set.spill);
		n++;
	}
	PG_RETURN_POINTER(revenue_matrix_build(state->unit, state->revenue_scale, n, customers));
}
