/*-------------------------------------------------------------------------
 *
 * logrank.c
 *	  The logrank_test aggregate: do two or more groups have the same
 *	  survival curve?
 *
 * The state keeps, per group, the events and censorings per distinct time
 * (KmCounts, survival.h), so it combines like kaplan_meier's. The final
 * function is R's survdiff with rho = 0 (Mantel 1966; Peto & Peto 1972;
 * Therneau's survival package, survdiff2.c): at each distinct time t with
 * n subjects at risk (n_g in group g) and d events,
 *	  O_g = sum d_g,  E_g = sum d n_g / n,
 *	  V_gh = sum d (n - d) / (n (n - 1)) n_g (delta_gh - n_h / n)	(n > 1),
 * and over the groups with E_g > 0, leaving out the first of them,
 * chisq = (O - E)' V^-1 (O - E) with df = (their number) - 1, and p the
 * chi-square upper tail Q(df / 2, chisq / 2).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "base/checks.h"
#include "base/codec.h"
#include "base/composite.h"
#include "math/specfun.h"
#include "metrics/survival.h"
#include "retention.h"

#define LOGRANK_STATE_VERSION	1

/*
 * The test keeps a k x k variance and updates it at every event time, so
 * the groups are limited; a group is found by a scan from the last one hit
 * (no hash on user keys is needed for so few).
 */
#define LOGRANK_MAX_GROUPS		100

typedef struct LogrankGroup
{
	char	   *name;
	int32		len;
	KmCounts   *counts;
} LogrankGroup;

typedef struct LogrankState
{
	MemoryContext context;
	int32		ngroups;
	int32		last;			/* the group of the previous row */
	LogrankGroup groups[LOGRANK_MAX_GROUPS];
} LogrankState;

static LogrankState *
state_create(MemoryContext context)
{
	LogrankState *state = MemoryContextAllocZero(context, sizeof(LogrankState));

	state->context = context;
	return state;
}

/*
 * The counts of the group called name (len bytes), added when new; *fresh
 * (when given) tells whether it was.
 */
static KmCounts *
state_group(LogrankState *state, const char *name, int32 len, bool *fresh)
{
	LogrankGroup *g;

	if (fresh)
		*fresh = false;
	for (int32 k = 0; k < state->ngroups; k++)
	{
		int32		i = (state->last + k) % state->ngroups;

		g = &state->groups[i];
		if (g->len == len && memcmp(g->name, name, len) == 0)
		{
			state->last = i;
			return g->counts;
		}
	}
	if (state->ngroups == LOGRANK_MAX_GROUPS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("logrank_test compares at most %d groups", LOGRANK_MAX_GROUPS),
				 errdetail("The group \"%s\" is group %d.",
						   pnstrdup(name, Min(len, 64)), LOGRANK_MAX_GROUPS + 1)));
	g = &state->groups[state->ngroups];
	g->name = MemoryContextAlloc(state->context, Max(len, 1));
	memcpy(g->name, name, len);
	g->len = len;
	g->counts = km_counts_create(state->context);
	state->last = state->ngroups++;
	if (fresh)
		*fresh = true;
	return g->counts;
}

/*
 * logrank_test_trans(internal, duration float8, event boolean, grp text)
 *
 * Counts one subject in its group. NULL duration, event or group: error
 * 22004; a negative, NaN or infinite duration: error 22023.
 */
PG_FUNCTION_INFO_V1(logrank_test_trans);
Datum
logrank_test_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	LogrankState *state;
	text	   *grp;
	double		duration;
	bool		event;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "logrank_test_trans called in non-aggregate context");
	state = PG_ARGISNULL(0) ? state_create(aggcontext) : (LogrankState *) PG_GETARG_POINTER(0);
	for (int i = 1; i <= 3; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not be null", i == 1 ? "duration" : i == 2 ? "event" : "grp"),
					 errdetail("A row with a null %s cannot be counted in a group.",
							   i == 1 ? "duration" : i == 2 ? "event" : "grp"),
					 errhint("Filter such rows with WHERE, or use coalesce.")));
	duration = PG_GETARG_FLOAT8(1);
	event = PG_GETARG_BOOL(2);
	grp = PG_GETARG_TEXT_PP(3);
	check_nonnegative(duration, "duration");
	km_counts_add(state_group(state, VARDATA_ANY(grp), VARSIZE_ANY_EXHDR(grp), NULL),
				  duration, event ? 1 : 0, event ? 0 : 1);
	PG_RETURN_POINTER(state);
}

/*
 * logrank_test_combine(internal, internal) returns internal
 *
 * Adds the right state's groups to the left's; NULL when both are NULL.
 */
PG_FUNCTION_INFO_V1(logrank_test_combine);
Datum
logrank_test_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	LogrankState *left;
	LogrankState *right;

	if (!codec_begin_combine(fcinfo, "logrank_test", &aggcontext, (void **) &left, (void **) &right))
		return codec_combine_left(fcinfo);
	if (left == NULL)
		left = state_create(aggcontext);
	for (int32 k = 0; k < right->ngroups; k++)
		km_counts_merge(state_group(left, right->groups[k].name, right->groups[k].len, NULL),
						right->groups[k].counts);
	PG_RETURN_POINTER(left);
}

/*
 * logrank_test_serialize(internal) returns bytea
 *
 * The codec's version byte, the number of groups (int32), then per group
 * its name (int32 length, bytes) and its counts (km_counts_write).
 */
static void
write_logrank(StringInfo buf, void *arg)
{
	LogrankState *state = (LogrankState *) arg;

	pq_sendint32(buf, state->ngroups);
	for (int32 k = 0; k < state->ngroups; k++)
	{
		pq_sendint32(buf, state->groups[k].len);
		pq_sendbytes(buf, state->groups[k].name, state->groups[k].len);
		km_counts_write(state->groups[k].counts, buf);
	}
}

/* logrank_test_serialize(internal) returns bytea: aggregate serialize function, write_logrank. */
SQL_FUNCTION(logrank_test_serialize, codec_serialize(fcinfo, "logrank_test", LOGRANK_STATE_VERSION, write_logrank));

/*
 * logrank_test_deserialize(bytea, internal) returns internal
 *
 * Reads logrank_test_serialize's bytes; a corrupt state (a group twice, a
 * bad count, a wrong length) is error 22P03.
 */
PG_FUNCTION_INFO_V1(logrank_test_deserialize);
Datum
logrank_test_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	StateReader r;
	LogrankState *state;
	int32		ngroups;

	aggcontext = codec_begin_deserialize(fcinfo, &r, LOGRANK_STATE_VERSION, "logrank_test");
	state = state_create(aggcontext);
	ngroups = codec_read_int32(&r);
	if (ngroups < 0 || ngroups > LOGRANK_MAX_GROUPS)
		codec_corrupt(&r, "an invalid number of groups");
	for (int32 k = 0; k < ngroups; k++)
	{
		int32		len = codec_read_int32(&r);
		const char *name;
		bool		fresh;

		if (len < 0)
			codec_corrupt(&r, "a group name of negative length");
		name = codec_read_bytes(&r, len);
		km_counts_read(state_group(state, name, len, &fresh), &r);
		if (!fresh)
			codec_corrupt(&r, "a group twice");
	}
	codec_end_read(&r);
	PG_RETURN_POINTER(state);
}

/* Groups in byte order of their names, so the result does not depend on the plan. */
static int
compare_groups(const void *a, const void *b)
{
	const LogrankGroup *x = (const LogrankGroup *) a;
	const LogrankGroup *y = (const LogrankGroup *) b;
	int			c = memcmp(x->name, y->name, Min(x->len, y->len));

	return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

/* Where one group's sorted counts are read from, time by time. */
typedef struct LogrankWalk
{
	int32		n;
	int32		next;
	double	   *times;
	int64	   *events;
	int64	   *censored;
	int64		at_risk;
} LogrankWalk;

/*
 * Solve A x = b in place (A is m x m, row-major) by Gaussian elimination
 * with partial pivoting; false when A is singular.
 */
static bool
solve(double *A, double *b, int m)
{
	for (int c = 0; c < m; c++)
	{
		int			p = c;
		double		scale = 0.0;

		for (int i = 0; i < m; i++)
			for (int j = 0; j < m; j++)
				scale = Max(scale, fabs(A[i * m + j]));
		for (int i = c + 1; i < m; i++)
			if (fabs(A[i * m + c]) > fabs(A[p * m + c]))
				p = i;
		if (!(fabs(A[p * m + c]) > scale * 1e-12))
			return false;
		if (p != c)
		{
			for (int j = 0; j < m; j++)
			{
				double		t = A[c * m + j];

				A[c * m + j] = A[p * m + j];
				A[p * m + j] = t;
			}
			{
				double		t = b[c];

				b[c] = b[p];
				b[p] = t;
			}
		}
		for (int i = c + 1; i < m; i++)
		{
			double		f = A[i * m + c] / A[c * m + c];

			for (int j = c; j < m; j++)
				A[i * m + j] -= f * A[c * m + j];
			b[i] -= f * b[c];
		}
	}
	for (int c = m - 1; c >= 0; c--)
	{
		for (int j = c + 1; j < m; j++)
			b[c] -= A[c * m + j] * b[j];
		b[c] /= A[c * m + c];
	}
	return true;
}

/*
 * logrank_test_final(internal) returns logrank_result (chisq float8,
 * df integer, p_value float8)
 *
 * The test of the header comment. NULL when fewer than two groups have
 * expected events (one group, or no events at all: there is nothing to
 * compare); chisq and p_value are NULL, with df given, when the variance
 * matrix is singular (R's survdiff stops there).
 */
PG_FUNCTION_INFO_V1(logrank_test_final);
Datum
logrank_test_final(PG_FUNCTION_ARGS)
{
	LogrankState *state = PG_ARGISNULL(0) ? NULL : (LogrankState *) PG_GETARG_POINTER(0);
	int32		k;
	LogrankGroup *groups;
	LogrankWalk *walk;
	double	   *observed;
	double	   *expected;
	double	   *var;
	int64	   *d_g;
	int32	   *kept;
	int32		nkept = 0;
	int32		m;
	double	   *A;
	double	   *b;
	double	   *diff;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	if (state == NULL || state->ngroups < 2)
		PG_RETURN_NULL();
	k = state->ngroups;
	groups = palloc(sizeof(LogrankGroup) * k);
	memcpy(groups, state->groups, sizeof(LogrankGroup) * k);
	qsort(groups, k, sizeof(LogrankGroup), compare_groups);
	walk = palloc0(sizeof(LogrankWalk) * k);
	observed = palloc0(sizeof(double) * k);
	expected = palloc0(sizeof(double) * k);
	var = palloc0(sizeof(double) * k * k);
	d_g = palloc0(sizeof(int64) * k);
	kept = palloc(sizeof(int32) * k);
	for (int32 g = 0; g < k; g++)
	{
		walk[g].n = km_counts_sorted(groups[g].counts, &walk[g].times,
									 &walk[g].events, &walk[g].censored);
		for (int32 i = 0; i < walk[g].n; i++)
			walk[g].at_risk += walk[g].events[i] + walk[g].censored[i];
	}

	/* the distinct times of all groups, in order */
	for (;;)
	{
		double		t = INFINITY;
		bool		any = false;
		double		n = 0;
		double		d = 0;

		CHECK_FOR_INTERRUPTS();
		for (int32 g = 0; g < k; g++)
			if (walk[g].next < walk[g].n && walk[g].times[walk[g].next] <= t)
			{
				t = walk[g].times[walk[g].next];
				any = true;
			}
		if (!any)
			break;
		for (int32 g = 0; g < k; g++)
		{
			d_g[g] = 0;
			n += (double) walk[g].at_risk;
			if (walk[g].next < walk[g].n && walk[g].times[walk[g].next] == t)
				d_g[g] = walk[g].events[walk[g].next];
			d += (double) d_g[g];
		}
		if (d > 0)
		{
			double		kk = n > 1 ? d * (n - d) / (n * (n - 1)) : 0.0;

			for (int32 g = 0; g < k; g++)
			{
				double		ng = (double) walk[g].at_risk;

				observed[g] += (double) d_g[g];
				expected[g] += d * ng / n;
				if (kk == 0.0 || ng == 0)
					continue;
				var[g * k + g] += kk * ng;
				for (int32 h = 0; h < k; h++)
					var[g * k + h] -= kk * ng * (double) walk[h].at_risk / n;
			}
		}
		for (int32 g = 0; g < k; g++)
			if (walk[g].next < walk[g].n && walk[g].times[walk[g].next] == t)
			{
				walk[g].at_risk -= walk[g].events[walk[g].next] + walk[g].censored[walk[g].next];
				walk[g].next++;
			}
	}

	for (int32 g = 0; g < k; g++)
		if (expected[g] > 0)
			kept[nkept++] = g;
	if (nkept < 2)
		PG_RETURN_NULL();

	/* leave out the first kept group: V is singular over all of them */
	m = nkept - 1;
	A = palloc(sizeof(double) * m * m);
	b = palloc(sizeof(double) * m);
	diff = palloc(sizeof(double) * m);
	for (int32 i = 0; i < m; i++)
	{
		int32		gi = kept[i + 1];

		diff[i] = b[i] = observed[gi] - expected[gi];
		for (int32 j = 0; j < m; j++)
			A[i * m + j] = var[gi * k + kept[j + 1]];
	}
	values[1] = Int32GetDatum(m);
	if (solve(A, b, m))
	{
		double		chisq = 0.0;

		for (int32 i = 0; i < m; i++)
			chisq += b[i] * diff[i];
		chisq = Max(chisq, 0.0);
		values[0] = Float8GetDatum(chisq);
		values[2] = Float8GetDatum(specfun_gamma_q(m / 2.0, chisq / 2.0));
	}
	else
		nulls[0] = nulls[2] = true;
	return composite_result(fcinfo, 3, values, nulls);
}
