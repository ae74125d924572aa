/*-------------------------------------------------------------------------
 *
 * survival.h
 *	  Survival analysis: the event and censoring counts per distinct time
 *	  that kaplan_meier and logrank_test accumulate (KmCounts), and the
 *	  km_curve type built from them.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_SURVIVAL_H
#define RETENTION_SURVIVAL_H

#include "fmgr.h"
#include "lib/stringinfo.h"

#include "base/codec.h"
#include "base/keyed_hash.h"

/*
 * Whole-number times below this many go to a dense array indexed by the
 * time (179 years of days: every real subscription), so the transition
 * function neither sorts nor hashes them; other times go to a hash table.
 */
#define KM_DENSE_LIMIT		65536

struct km_hash_hash;

/* Events and censorings per distinct time, unsorted until km_counts_sorted. */
typedef struct KmCounts
{
	MemoryContext context;
	int64	   *dense;			/* [2 * t]: events at t, [2 * t + 1]: censored */
	int32		dense_cap;		/* times 0 .. dense_cap - 1 */
	int64		ntimes;			/* distinct times held */
	int64		subjects;		/* events and censorings, all times */
	struct km_hash_hash *sparse;	/* the other times; NULL until one comes */
	KeyedHashSeed seed;
} KmCounts;

/*
 * The km_curve type: the distinct times in increasing order with their
 * event and censoring counts; times[n], then events[n] and censored[n]
 * (int64) follow the header.
 */
typedef struct KmCurve
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	int32		version;
	int32		ntimes;
	double		times[FLEXIBLE_ARRAY_MEMBER];
} KmCurve;

#define KM_CURVE_VERSION	1

static inline int64 *
km_curve_events(const KmCurve *curve)
{
	return (int64 *) (curve->times + curve->ntimes);
}

static inline int64 *
km_curve_censored(const KmCurve *curve)
{
	return km_curve_events(curve) + curve->ntimes;
}

#define DatumGetKmCurveP(X)		((KmCurve *) PG_DETOAST_DATUM(X))
#define PG_GETARG_KM_CURVE_P(n)	DatumGetKmCurveP(PG_GETARG_DATUM(n))

extern KmCounts *km_counts_create(MemoryContext context);
extern void km_counts_add(KmCounts *counts, double time, int64 events, int64 censored);
extern void km_counts_merge(KmCounts *into, const KmCounts *from);
extern void km_counts_write(const KmCounts *counts, StringInfo buf);
extern void km_counts_read(KmCounts *counts, StateReader *reader);
extern int32 km_counts_sorted(const KmCounts *counts, double **times, int64 **events,
							  int64 **censored);

extern KmCurve *km_curve_alloc(int32 ntimes);
extern void km_curve_check(const KmCurve *curve, Size size, int sqlstate);

#endif							/* RETENTION_SURVIVAL_H */
