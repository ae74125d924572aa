/*-------------------------------------------------------------------------
 *
 * product_retention.c
 *	  Product-analytics retention over a revenue_matrix (as built by
 *	  activity_matrix or revenue_retention): bracket_retention,
 *	  recurring_retention, n_day_retention and stickiness.
 *
 * A user is active in a period when the matrix has a cell for it (a row in
 * that period, whatever its amount); a user's cohort is its first active
 * period. Offsets count periods of the matrix's unit.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rangetypes.h"
#include "utils/typcache.h"

#include "base/composite.h"
#include "base/time_unit.h"
#include "metrics/cohort_matrix.h"
#include "metrics/revenue_matrix.h"
#include "retention.h"

/*
 * A reader's matrix argument: the matrix, its cells (customer i's are
 * ends[i - 1] .. ends[i] - 1, ends[-1] being 0) and the first and last
 * period with a cell.
 */
typedef struct Activity
{
	RevenueMatrix *m;
	int32	   *ends;
	int32	   *periods;
	int32		first;
	int32		last;
} Activity;

/* The matrix argument argno, checked, with its cells and span. */
static void
getarg_activity(FunctionCallInfo fcinfo, int argno, Activity *act)
{
	RevenueArrays cells;

	act->m = revenue_matrix_getarg(fcinfo, argno);
	cells = revenue_matrix_arrays(act->m);
	act->ends = cells.ends;
	act->periods = cells.periods;
	act->first = PG_INT32_MAX;
	act->last = PG_INT32_MIN;
	for (int32 i = 0; i < act->m->ncustomers; i++)
	{
		act->first = Min(act->first, act->periods[i ? act->ends[i - 1] : 0]);
		act->last = Max(act->last, act->periods[act->ends[i] - 1]);
	}
}

/* Zeroed int64 counts, refusing (54000) more than COHORT_MAX_CELLS. */
static int64 *
alloc_counts(uint64 n, const char *what)
{
	if (n > COHORT_MAX_CELLS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s would have too many cells", what),
				 errdetail("It needs " UINT64_FORMAT " counts; the limit is %d.", n, COHORT_MAX_CELLS),
				 errhint("Use a longer period, such as 'week' instead of 'day'.")));
	return MemoryContextAllocExtended(CurrentMemoryContext, sizeof(int64) * Max(n, 1),
									  MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
}

/* Index of the first of periods[from..to) that is >= p (to if none). */
static int32
lower_bound(const int32 *periods, int32 from, int32 to, int64 p)
{
	while (from < to)
	{
		int32		mid = from + (to - from) / 2;

		if (periods[mid] < p)
			from = mid + 1;
		else
			to = mid;
	}
	return from;
}

/* A materialized set-returning result: a tuplestore and its descriptor. */
static Tuplestorestate *
begin_rows(FunctionCallInfo fcinfo, TupleDesc *desc)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext oldcontext;
	Tuplestorestate *store;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		!(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	oldcontext = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	*desc = composite_result_desc(fcinfo);
	store = tuplestore_begin_heap(true, false, work_mem);
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = store;
	rsinfo->setDesc = *desc;
	MemoryContextSwitchTo(oldcontext);
	return store;
}

/* One bracket of offsets [lower, upper); upper -1 for no upper bound. */
typedef struct Bracket
{
	int32		lower;
	int32		upper;
	Datum		range;
} Bracket;

/* The text of a range value, for an error detail. */
static char *
range_text(Oid type, Datum value)
{
	Oid			out;
	bool		varlena;

	getTypeOutputInfo(type, &out, &varlena);
	return OidOutputFunctionCall(out, value);
}

/*
 * The brackets argument: a non-empty array of non-empty int4ranges with a
 * lower bound >= 0 and no NULLs (22023 otherwise; 22004 for NULL
 * elements).
 */
static Bracket *
getarg_brackets(FunctionCallInfo fcinfo, int argno, int *n)
{
	ArrayType  *array = PG_GETARG_ARRAYTYPE_P(argno);
	Oid			elemtype = ARR_ELEMTYPE(array);
	TypeCacheEntry *typcache = lookup_type_cache(elemtype, TYPECACHE_RANGE_INFO);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	bool	   *nulls;
	Bracket    *brackets;

	if (typcache->rngelemtype == NULL || typcache->rngelemtype->type_id != INT4OID)
		elog(ERROR, "brackets must be an int4range[]");
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(array, elemtype, typlen, typbyval, typalign, &elems, &nulls, n);
	if (*n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("brackets must not be empty")));
	brackets = palloc(sizeof(Bracket) * *n);
	for (int i = 0; i < *n; i++)
	{
		RangeBound lower;
		RangeBound upper;
		bool		empty;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("brackets must not contain NULL"),
					 errdetail("Element %d is NULL.", i + 1)));
		range_deserialize(typcache, DatumGetRangeTypeP(elems[i]), &lower, &upper, &empty);
		if (empty || lower.infinite || DatumGetInt32(lower.val) < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a bracket must be a non-empty range of offsets from 0"),
					 errdetail("Bracket %d is %s.", i + 1,
							   range_text(elemtype, elems[i]))));
		/* int4range is canonical: [lower, upper) */
		brackets[i].lower = DatumGetInt32(lower.val);
		brackets[i].upper = upper.infinite ? -1 : DatumGetInt32(upper.val);
		brackets[i].range = elems[i];
	}
	return brackets;
}

/*
 * bracket_retention(matrix revenue_matrix, brackets int4range[]) returns
 * setof (cohort date, bracket int4range, cohort_size bigint, active bigint,
 * retention float8, complete boolean)
 *
 * For every cohort and bracket of offsets [a, b) that the cohort has begun
 * (cohort + a <= the matrix's last period): the users of the cohort active
 * in at least one period cohort + a .. cohort + b - 1, and that share of
 * the cohort; complete says whether the whole bracket has elapsed (never
 * for an unbounded one). Rows in cohort, then bracket order.
 */
PG_FUNCTION_INFO_V1(bracket_retention);
Datum
bracket_retention(PG_FUNCTION_ARGS)
{
	Activity	act;
	int			nb;
	Bracket    *brackets;
	int64	   *sizes;
	int64	   *active;
	TupleDesc	desc;
	Tuplestorestate *store;

	getarg_activity(fcinfo, 0, &act);
	brackets = getarg_brackets(fcinfo, 1, &nb);
	sizes = alloc_counts((uint64) (act.last - act.first + 1), "bracket retention");
	active = alloc_counts((uint64) (act.last - act.first + 1) * nb, "bracket retention");
	for (int32 i = 0; i < act.m->ncustomers; i++)
	{
		int32		from = i ? act.ends[i - 1] : 0;
		int32		cohort = act.periods[from];

		CHECK_FOR_INTERRUPTS();
		sizes[cohort - act.first]++;
		for (int b = 0; b < nb; b++)
		{
			int32		k = lower_bound(act.periods, from, act.ends[i], (int64) cohort + brackets[b].lower);

			if (k < act.ends[i] &&
				(brackets[b].upper < 0 || act.periods[k] < (int64) cohort + brackets[b].upper))
				active[(Size) (cohort - act.first) * nb + b]++;
		}
	}
	store = begin_rows(fcinfo, &desc);
	for (int32 c = 0; c <= act.last - act.first; c++)
	{
		if (sizes[c] == 0)
			continue;
		for (int b = 0; b < nb; b++)
		{
			Datum		values[6];
			bool		nulls[6] = {0};
			int64		count = active[(Size) c * nb + b];

			if ((int64) act.first + c + brackets[b].lower > act.last)
				continue;
			values[0] = DateADTGetDatum(time_unit_period_start(act.m->unit, act.first + c));
			values[1] = brackets[b].range;
			values[2] = Int64GetDatum(sizes[c]);
			values[3] = Int64GetDatum(count);
			values[4] = Float8GetDatum((double) count / (double) sizes[c]);
			values[5] = BoolGetDatum(brackets[b].upper >= 0 &&
									 (int64) act.first + c + brackets[b].upper - 1 <= act.last);
			tuplestore_putvalues(store, desc, values, nulls);
		}
	}
	return (Datum) 0;
}

/*
 * recurring_retention(matrix revenue_matrix) returns setof (period date,
 * period_offset integer, base_users bigint, active bigint, retention
 * float8)
 *
 * Recurring cohorts: for every period c with activity, the users active in
 * c (base_users, whether or not c is their first period) and, for every
 * offset k from 0 to last - c, those of them active in c + k. Takes time
 * proportional to the sum over users of their active periods squared.
 */
PG_FUNCTION_INFO_V1(recurring_retention);
Datum
recurring_retention(PG_FUNCTION_ARGS)
{
	Activity	act;
	uint64		span;
	int64	   *counts;
	TupleDesc	desc;
	Tuplestorestate *store;

	getarg_activity(fcinfo, 0, &act);
	span = (uint64) (act.last - act.first + 1);
	/* row c at c * span holds offsets 0 .. span - 1 - c (a triangle of a square) */
	counts = alloc_counts(span * span, "recurring retention");
	for (int32 i = 0; i < act.m->ncustomers; i++)
	{
		int32		from = i ? act.ends[i - 1] : 0;

		CHECK_FOR_INTERRUPTS();
		for (int32 a = from; a < act.ends[i]; a++)
			for (int32 b = a; b < act.ends[i]; b++)
				counts[(Size) (act.periods[a] - act.first) * span + (act.periods[b] - act.periods[a])]++;
	}
	store = begin_rows(fcinfo, &desc);
	for (uint64 c = 0; c < span; c++)
	{
		int64		base = counts[c * span];

		if (base == 0)
			continue;
		for (uint64 k = 0; k < span - c; k++)
		{
			Datum		values[5];
			bool		nulls[5] = {0};

			values[0] = DateADTGetDatum(time_unit_period_start(act.m->unit, act.first + (int32) c));
			values[1] = Int32GetDatum((int32) k);
			values[2] = Int64GetDatum(base);
			values[3] = Int64GetDatum(counts[c * span + k]);
			values[4] = Float8GetDatum((double) counts[c * span + k] / (double) base);
			tuplestore_putvalues(store, desc, values, nulls);
		}
	}
	return (Datum) 0;
}

/*
 * n_day_retention(matrix revenue_matrix, n integer [, mode text]) returns
 * float8
 *
 * N-period retention pooled over the cohorts that have reached offset n
 * (cohort + n <= the matrix's last period): the users of those cohorts
 * active in period cohort + n ('classic', the default) or in cohort + n or
 * later ('rolling', often called unbounded retention), over the users of
 * those cohorts. NULL when no cohort has reached n; n < 0 is an error
 * (22023). With unit 'day' this is day-N retention.
 */
PG_FUNCTION_INFO_V1(n_day_retention);
Datum
n_day_retention(PG_FUNCTION_ARGS)
{
	Activity	act;
	int32		n = PG_GETARG_INT32(1);
	bool		rolling = false;
	int64		base = 0;
	int64		active = 0;

	getarg_activity(fcinfo, 0, &act);
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n must not be negative"),
				 errdetail("n is %d.", n)));
	if (PG_NARGS() > 2)
	{
		char	   *mode = text_to_cstring(PG_GETARG_TEXT_PP(2));

		if (strcmp(mode, "rolling") == 0)
			rolling = true;
		else if (strcmp(mode, "classic") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("mode must be 'classic' or 'rolling'"),
					 errdetail("mode is '%s'.", mode)));
	}
	for (int32 i = 0; i < act.m->ncustomers; i++)
	{
		int32		from = i ? act.ends[i - 1] : 0;
		int64		target = (int64) act.periods[from] + n;
		int32		k;

		if (target > act.last)
			continue;
		base++;
		k = lower_bound(act.periods, from, act.ends[i], target);
		if (k < act.ends[i] && (rolling || act.periods[k] == target))
			active++;
	}
	if (base == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) active / (double) base);
}

/*
 * stickiness(matrix revenue_matrix) returns setof (day date, dau bigint,
 * wau bigint, mau bigint, dau_wau float8, dau_mau float8)
 *
 * For a matrix by 'day' (22023 otherwise), one row per day from the first
 * to the last active day: the users active that day, in the 7 days and in
 * the 30 days ending that day, and the ratios DAU/WAU and DAU/MAU (NULL
 * when the denominator is 0). The first 6 (29) days have shorter windows.
 */
PG_FUNCTION_INFO_V1(stickiness);
Datum
stickiness(PG_FUNCTION_ARGS)
{
	static const int windows[2] = {7, 30};
	Activity	act;
	int32		span;
	int64	   *counts[3];
	TupleDesc	desc;
	Tuplestorestate *store;

	getarg_activity(fcinfo, 0, &act);
	if (act.m->unit != TIME_UNIT_DAY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("stickiness needs a matrix by 'day'"),
				 errdetail("The matrix is by '%s'.", time_unit_name(act.m->unit))));
	span = act.last - act.first + 1;
	/* DAU directly; WAU and MAU as +1/-1 at the ends of each user's windows */
	for (int w = 0; w < 3; w++)
		counts[w] = alloc_counts((uint64) span + 1, "stickiness");
	for (int32 i = 0; i < act.m->ncustomers; i++)
	{
		int32		from = i ? act.ends[i - 1] : 0;

		CHECK_FOR_INTERRUPTS();
		for (int32 k = from; k < act.ends[i]; k++)
			counts[0][act.periods[k] - act.first]++;
		for (int w = 0; w < 2; w++)
		{
			/* merge the windows [day, day + width) of consecutive active days */
			int32		start = act.periods[from];
			int32		end = act.periods[from] + windows[w];

			for (int32 k = from + 1; k <= act.ends[i]; k++)
			{
				if (k < act.ends[i] && act.periods[k] <= end)
				{
					end = act.periods[k] + windows[w];
					continue;
				}
				counts[1 + w][start - act.first]++;
				counts[1 + w][Min(end, act.last + 1) - act.first]--;
				if (k < act.ends[i])
				{
					start = act.periods[k];
					end = act.periods[k] + windows[w];
				}
			}
		}
	}
	for (int w = 1; w < 3; w++)
		for (int32 d = 1; d < span; d++)
			counts[w][d] += counts[w][d - 1];
	store = begin_rows(fcinfo, &desc);
	for (int32 d = 0; d < span; d++)
	{
		Datum		values[6];
		bool		nulls[6] = {0};

		values[0] = DateADTGetDatum(time_unit_period_start(act.m->unit, act.first + d));
		values[1] = Int64GetDatum(counts[0][d]);
		values[2] = Int64GetDatum(counts[1][d]);
		values[3] = Int64GetDatum(counts[2][d]);
		values[4] = Float8GetDatum(counts[1][d] ? (double) counts[0][d] / (double) counts[1][d] : 0);
		nulls[4] = counts[1][d] == 0;
		values[5] = Float8GetDatum(counts[2][d] ? (double) counts[0][d] / (double) counts[2][d] : 0);
		nulls[5] = counts[2][d] == 0;
		tuplestore_putvalues(store, desc, values, nulls);
	}
	return (Datum) 0;
}
