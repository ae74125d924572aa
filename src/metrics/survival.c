/*-------------------------------------------------------------------------
 *
 * survival.c
 *	  The kaplan_meier aggregates and the counts per distinct time they
 *	  (and logrank_test) accumulate.
 *
 * A Kaplan-Meier curve depends on the data only through the number of
 * events and of censorings at each distinct time, so the state is those
 * counts: states merge by adding counts, which makes the aggregate
 * combinable (parallel plans, partial aggregation) and its result storable
 * (km_curve). Whole-number times below KM_DENSE_LIMIT (durations in days)
 * are counted in a dense array indexed by the time; any other time goes to
 * an open-addressing hash table keyed by its bits, hashed with SipHash
 * under a secret key (base/keyed_hash.h) since the times are user data.
 * Nothing is sorted until the final function, which sorts the distinct
 * times only.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/date.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "base/checks.h"
#include "base/codec.h"
#include "base/keyed_hash.h"
#include "metrics/survival.h"
#include "retention.h"

#define KM_STATE_VERSION	1
#define KM_DENSE_INITIAL	64

/* The most distinct times a km_curve can hold within the 1 GB value limit. */
#define KM_MAX_TIMES \
	((int64) ((MaxAllocSize - offsetof(KmCurve, times)) / (sizeof(double) + 2 * sizeof(int64))))

/* One time of the hash table. */
typedef struct KmSparse
{
	uint64		key;			/* the bits of the time */
	char		status;			/* used by simplehash */
	int64		events;
	int64		censored;
} KmSparse;

#define SH_PREFIX km_hash
#define SH_ELEMENT_TYPE KmSparse
#define SH_KEY_TYPE uint64
#define SH_KEY key
#define SH_HASH_KEY(tb, k) \
	(keyed_hash_uint64(&((const KmCounts *) (tb)->private_data)->seed, k))
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* Empty counts allocated in context. */
KmCounts *
km_counts_create(MemoryContext context)
{
	KmCounts   *counts = MemoryContextAllocZero(context, sizeof(KmCounts));

	counts->context = context;
	keyed_hash_new_seed(&counts->seed);
	return counts;
}

/* Count one more distinct time; error 54000 past what a km_curve holds. */
static inline void
count_new_time(KmCounts *counts)
{
	if (unlikely(++counts->ntimes > KM_MAX_TIMES))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct times for a survival curve"),
				 errdetail("The data has more than " INT64_FORMAT " distinct times.",
						   KM_MAX_TIMES),
				 errhint("Round the durations, for example to whole days.")));
}

/* Grow the dense array to hold time index t. */
static void
dense_grow(KmCounts *counts, int32 t)
{
	int32		cap = Max(KM_DENSE_INITIAL, (int32) pg_nextpower2_32((uint32) t + 1));
	int64	   *dense = MemoryContextAllocZero(counts->context, sizeof(int64) * 2 * (Size) cap);

	if (counts->dense)
	{
		memcpy(dense, counts->dense, sizeof(int64) * 2 * (Size) counts->dense_cap);
		pfree(counts->dense);
	}
	counts->dense = dense;
	counts->dense_cap = cap;
}

/*
 * Add events and censorings (both >= 0, not both 0) at a finite time >= 0
 * (checked by the caller).
 */
void
km_counts_add(KmCounts *counts, double time, int64 events, int64 censored)
{
	/* the subjects at risk at the first time must fit in bigint */
	counts->subjects = check_add_count(check_add_count(counts->subjects, events, "subjects"),
									   censored, "subjects");
	if (time < KM_DENSE_LIMIT && time == floor(time))
	{
		int32		t = (int32) time;
		int64	   *cell;

		if (t >= counts->dense_cap)
			dense_grow(counts, t);
		cell = &counts->dense[2 * t];
		if (cell[0] == 0 && cell[1] == 0)
			count_new_time(counts);
		cell[0] = check_add_count(cell[0], events, "subjects");
		cell[1] = check_add_count(cell[1], censored, "subjects");
	}
	else
	{
		uint64		key;
		bool		found;
		KmSparse   *entry;

		time += 0.0;			/* -0 is 0 */
		memcpy(&key, &time, sizeof(key));
		if (counts->sparse == NULL)
			counts->sparse = km_hash_create(counts->context, 256, counts);
		entry = km_hash_insert(counts->sparse, key, &found);
		if (!found)
		{
			entry->events = 0;
			entry->censored = 0;
			count_new_time(counts);
		}
		entry->events = check_add_count(entry->events, events, "subjects");
		entry->censored = check_add_count(entry->censored, censored, "subjects");
	}
}

/* Add the counts of `from` to `into`. */
void
km_counts_merge(KmCounts *into, const KmCounts *from)
{
	for (int32 t = 0; t < from->dense_cap; t++)
		if (from->dense[2 * t] != 0 || from->dense[2 * t + 1] != 0)
			km_counts_add(into, (double) t, from->dense[2 * t], from->dense[2 * t + 1]);
	if (from->sparse)
	{
		km_hash_iterator it;
		KmSparse   *entry;

		km_hash_start_iterate(from->sparse, &it);
		while ((entry = km_hash_iterate(from->sparse, &it)) != NULL)
		{
			double		time;

			CHECK_FOR_INTERRUPTS();
			memcpy(&time, &entry->key, sizeof(time));
			km_counts_add(into, time, entry->events, entry->censored);
		}
	}
}

/* qsort order of float8 times (no NaN among them). */
static int
compare_times(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/*
 * The distinct times in increasing order with their counts, in arrays
 * palloc'd in the current context; returns their number.
 */
int32
km_counts_sorted(const KmCounts *counts, double **times, int64 **events, int64 **censored)
{
	int32		n = (int32) counts->ntimes;
	int32		nsparse = 0;
	int32		i = 0;
	int32		j = 0;
	int32		k = 0;
	double	   *sparse_times = NULL;

	*times = palloc(sizeof(double) * Max(n, 1));
	*events = palloc(sizeof(int64) * Max(n, 1));
	*censored = palloc(sizeof(int64) * Max(n, 1));
	if (counts->sparse)
	{
		km_hash_iterator it;
		KmSparse   *entry;

		sparse_times = palloc(sizeof(double) * Max(counts->sparse->members, 1));
		km_hash_start_iterate(counts->sparse, &it);
		while ((entry = km_hash_iterate(counts->sparse, &it)) != NULL)
			memcpy(&sparse_times[nsparse++], &entry->key, sizeof(double));
		qsort(sparse_times, nsparse, sizeof(double), compare_times);
	}

	/* merge the dense times (in order already) with the sorted others */
	while (i < counts->dense_cap || j < nsparse)
	{
		CHECK_FOR_INTERRUPTS();
		if (i < counts->dense_cap && counts->dense[2 * i] == 0 && counts->dense[2 * i + 1] == 0)
		{
			i++;
			continue;
		}
		if (j >= nsparse || (i < counts->dense_cap && (double) i < sparse_times[j]))
		{
			(*times)[k] = (double) i;
			(*events)[k] = counts->dense[2 * i];
			(*censored)[k] = counts->dense[2 * i + 1];
			i++;
		}
		else
		{
			uint64		key;
			KmSparse   *entry;

			memcpy(&key, &sparse_times[j], sizeof(key));
			entry = km_hash_lookup(counts->sparse, key);
			(*times)[k] = sparse_times[j];
			(*events)[k] = entry->events;
			(*censored)[k] = entry->censored;
			j++;
		}
		k++;
	}
	if (k != n)
		elog(ERROR, "survival counts hold %d times, expected %d", k, n);
	return n;
}

/*
 * Write the counts: their number (int64), then per time in increasing
 * order the time (float8), events and censored (int64); sorted, so that a
 * state always has the same bytes whatever its hash table's order.
 */
void
km_counts_write(const KmCounts *counts, StringInfo buf)
{
	double	   *times;
	int64	   *events;
	int64	   *censored;
	int32		n = km_counts_sorted(counts, &times, &events, &censored);

	pq_sendint64(buf, n);
	for (int32 i = 0; i < n; i++)
	{
		pq_sendfloat8(buf, times[i]);
		pq_sendint64(buf, events[i]);
		pq_sendint64(buf, censored[i]);
	}
	pfree(times);
	pfree(events);
	pfree(censored);
}

/*
 * Read counts written by km_counts_write into empty counts; every value is
 * checked (finite times >= 0 in increasing order, counts >= 0 and not both
 * 0), and a bad one is the codec's corrupt-state error.
 */
void
km_counts_read(KmCounts *counts, StateReader *reader)
{
	int64		n = codec_read_int64(reader);
	double		previous = 0.0;
	int64		subjects = 0;

	if (n < 0 || n > KM_MAX_TIMES)
		codec_corrupt(reader, "an invalid number of times");
	codec_check_count(reader, (uint64) n, sizeof(double) + 2 * sizeof(int64));
	for (int64 i = 0; i < n; i++)
	{
		double		time = codec_read_float8(reader);
		int64		events = codec_read_int64(reader);
		int64		censored = codec_read_int64(reader);

		CHECK_FOR_INTERRUPTS();
		if (isnan(time) || isinf(time) || time < 0 || events < 0 || censored < 0 ||
			(events == 0 && censored == 0))
			codec_corrupt(reader, "an invalid time or count");
		if (i > 0 && time <= previous)
			codec_corrupt(reader, "times out of order");
		if (pg_add_s64_overflow(subjects, events, &subjects) ||
			pg_add_s64_overflow(subjects, censored, &subjects))
			codec_corrupt(reader, "more subjects than bigint holds");
		previous = time;
		km_counts_add(counts, time, events, censored);
	}
}

#ifdef USE_ASSERT_CHECKING
/* The number of distinct times is what the dense array and the table hold. */
static void
AssertCheckKmCounts(const KmCounts *counts)
{
	int64		n = counts->sparse ? counts->sparse->members : 0;

	for (int32 t = 0; t < counts->dense_cap; t++)
	{
		Assert(counts->dense[2 * t] >= 0 && counts->dense[2 * t + 1] >= 0);
		if (counts->dense[2 * t] != 0 || counts->dense[2 * t + 1] != 0)
			n++;
	}
	Assert(n == counts->ntimes);
}
#else
#define AssertCheckKmCounts(counts) ((void) 0)
#endif

/* The aggregate's state in aggcontext, created on the first row. */
static KmCounts *
km_state(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext aggcontext;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "%s called in non-aggregate context", fname);
	if (PG_ARGISNULL(0))
		return km_counts_create(aggcontext);
	return (KmCounts *) PG_GETARG_POINTER(0);
}

/* Error 22004 for a NULL argument that has no meaning as an observation. */
static void
km_null_error(const char *argname, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
			 errmsg("%s must not be null", argname),
			 errdetail("A row with a null %s is neither an event nor a censored subject.", argname),
			 errhint("%s", hint)));
}

/*
 * kaplan_meier_trans(internal, duration float8, event boolean)
 *
 * Counts one subject: an event (the subscription ended) at duration, or a
 * censoring there. A NULL duration or event is an error (22004): dropping
 * the row would bias the curve; a negative, NaN or infinite duration is an
 * error (22023).
 */
PG_FUNCTION_INFO_V1(kaplan_meier_trans);
Datum
kaplan_meier_trans(PG_FUNCTION_ARGS)
{
	KmCounts   *counts = km_state(fcinfo, "kaplan_meier_trans");
	double		duration;
	bool		event;

	if (PG_ARGISNULL(1))
		km_null_error("duration", "Filter the rows with WHERE duration IS NOT NULL, or give their censoring time.");
	if (PG_ARGISNULL(2))
		km_null_error("event", "Use coalesce(event, false) when a null event means the subscription is still active.");
	duration = PG_GETARG_FLOAT8(1);
	event = PG_GETARG_BOOL(2);
	check_nonnegative(duration, "duration");
	km_counts_add(counts, duration, event ? 1 : 0, event ? 0 : 1);
	PG_RETURN_POINTER(counts);
}

/* A date argument that must be given and finite (22004, 22023). */
static DateADT
getarg_finite_date(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	DateADT		date;

	if (PG_ARGISNULL(argno))
		km_null_error(argname, "Filter the rows with WHERE, or give the date.");
	date = PG_GETARG_DATEADT(argno);
	if (DATE_NOT_FINITE(date))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite date", argname),
				 errdetail("%s is %s.", argname, DATE_IS_NOBEGIN(date) ? "-infinity" : "infinity")));
	return date;
}

/*
 * kaplan_meier_trans_dates(internal, started_at date, ended_at date,
 * as_of date)
 *
 * A subscription observed up to as_of: an event at ended_at - started_at
 * days when ended_at <= as_of, otherwise (a later, infinite or NULL
 * ended_at) censored at as_of - started_at. Subscriptions that start after
 * as_of are skipped. A NULL or infinite started_at or as_of is an error
 * (22004, 22023), and so is ended_at before started_at (22023).
 */
PG_FUNCTION_INFO_V1(kaplan_meier_trans_dates);
Datum
kaplan_meier_trans_dates(PG_FUNCTION_ARGS)
{
	KmCounts   *counts = km_state(fcinfo, "kaplan_meier_trans_dates");
	DateADT		started_at = getarg_finite_date(fcinfo, 1, "started_at");
	DateADT		as_of = getarg_finite_date(fcinfo, 3, "as_of");
	DateADT		ended_at = PG_ARGISNULL(2) ? DATEVAL_NOEND : PG_GETARG_DATEADT(2);

	if (ended_at < started_at)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ended_at must not be before started_at"),
				 errdetail("ended_at is %s and started_at is %s.",
						   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(ended_at))),
						   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(started_at))))));
	if (started_at > as_of)
		PG_RETURN_POINTER(counts);
	if (ended_at <= as_of)
		km_counts_add(counts, (double) ((int64) ended_at - started_at), 1, 0);
	else
		km_counts_add(counts, (double) ((int64) as_of - started_at), 0, 1);
	PG_RETURN_POINTER(counts);
}

/*
 * kaplan_meier_combine(internal, internal) returns internal
 *
 * Adds the right state's counts to the left's; NULL when both are NULL.
 */
PG_FUNCTION_INFO_V1(kaplan_meier_combine);
Datum
kaplan_meier_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	KmCounts   *left;
	KmCounts   *right;

	if (!codec_begin_combine(fcinfo, "kaplan_meier", &aggcontext, (void **) &left, (void **) &right))
		return codec_combine_left(fcinfo);
	if (left == NULL)
		left = km_counts_create(aggcontext);
	km_counts_merge(left, right);
	AssertCheckKmCounts(left);
	PG_RETURN_POINTER(left);
}

/* km_counts_write as a CodecWriter. */
static void
write_counts(StringInfo buf, void *counts)
{
	km_counts_write((const KmCounts *) counts, buf);
}

/*
 * kaplan_meier_serialize(internal) returns bytea
 *
 * The codec's version byte, then km_counts_write.
 */
SQL_FUNCTION(kaplan_meier_serialize, codec_serialize(fcinfo, "kaplan_meier", KM_STATE_VERSION, write_counts));

/*
 * kaplan_meier_deserialize(bytea, internal) returns internal
 *
 * Reads kaplan_meier_serialize's bytes; a corrupt state is error 22P03.
 */
PG_FUNCTION_INFO_V1(kaplan_meier_deserialize);
Datum
kaplan_meier_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	StateReader r;
	KmCounts   *counts;

	aggcontext = codec_begin_deserialize(fcinfo, &r, KM_STATE_VERSION, "kaplan_meier");
	counts = km_counts_create(aggcontext);
	km_counts_read(counts, &r);
	codec_end_read(&r);
	AssertCheckKmCounts(counts);
	PG_RETURN_POINTER(counts);
}

/*
 * kaplan_meier_final(internal) returns km_curve
 *
 * The curve of the counts: their distinct times sorted. NULL when no row
 * was counted (no rows, or all started after as_of).
 */
PG_FUNCTION_INFO_V1(kaplan_meier_final);
Datum
kaplan_meier_final(PG_FUNCTION_ARGS)
{
	KmCounts   *counts = PG_ARGISNULL(0) ? NULL : (KmCounts *) PG_GETARG_POINTER(0);
	double	   *times;
	int64	   *events;
	int64	   *censored;
	int32		n;
	KmCurve    *curve;

	if (counts == NULL || counts->ntimes == 0)
		PG_RETURN_NULL();
	AssertCheckKmCounts(counts);
	n = km_counts_sorted(counts, &times, &events, &censored);
	curve = km_curve_alloc(n);
	memcpy(curve->times, times, sizeof(double) * n);
	memcpy(km_curve_events(curve), events, sizeof(int64) * n);
	memcpy(km_curve_censored(curve), censored, sizeof(int64) * n);
	PG_RETURN_POINTER(curve);
}
