/*-------------------------------------------------------------------------
 *
 * revenue_matrix.h
 *	  The revenue_matrix type (revenue_matrix.c): revenue per customer and
 *	  calendar period, built by the revenue_retention aggregate (cohort.c)
 *	  and read by mrr_movements and net_revenue_retention
 *	  (revenue_movements.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_REVENUE_MATRIX_H
#define RETENTION_REVENUE_MATRIX_H

#include "base/time_unit.h"

/*
 * revenue_matrix: for each customer (by increasing id), the periods in
 * which it had rows (strictly increasing) and its summed revenue there, an
 * int64 count of 10^-scale units. A period without a cell is 0.
 *
 * Layout: this header, then int64 ids[ncustomers], int64 amounts[ncells],
 * int32 ends[ncustomers] (customer i's cells are ends[i - 1] .. ends[i] - 1,
 * ends[-1] being 0) and int32 periods[ncells].
 */
typedef struct RevenueMatrix
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;
	uint8		unit;			/* TimeUnit */
	uint8		scale;			/* amounts are units of 10^-scale */
	uint8		flags;			/* none yet: 0 */
	int32		ncustomers;
	int32		ncells;
} RevenueMatrix;

#define REVENUE_MATRIX_VERSION		1
#define REVENUE_MAX_SCALE			18

/*
 * The most cells (customer-periods) a revenue_matrix holds: 12 bytes a
 * cell and 12 a customer keep the value near 600 MB at most, under the
 * 1 GB limit of a value; 1 million customers over 24 months fit.
 */
#define REVENUE_MAX_CELLS			25000000

#define DatumGetRevenueMatrixP(X)	((RevenueMatrix *) PG_DETOAST_DATUM(X))

/* Where a matrix's arrays start (the layout above). */
typedef struct RevenueArrays
{
	int64	   *ids;
	int64	   *amounts;
	int32	   *ends;
	int32	   *periods;
} RevenueArrays;

static inline RevenueArrays
revenue_matrix_arrays(RevenueMatrix *m)
{
	RevenueArrays a;

	a.ids = (int64 *) ((char *) m + sizeof(RevenueMatrix));
	a.amounts = a.ids + m->ncustomers;
	a.ends = (int32 *) (a.amounts + m->ncells);
	a.periods = a.ends + m->ncustomers;
	return a;
}

/* One customer's cells, as the aggregate hands them over. */
typedef struct RevenueCustomer
{
	int64		id;
	int32		n;
	const int32 *periods;		/* strictly increasing */
	const int64 *amounts;
} RevenueCustomer;

extern void revenue_matrix_check_limit(TimeUnit unit, uint64 ncustomers, uint64 ncells);
extern RevenueMatrix *revenue_matrix_build(TimeUnit unit, int scale, int32 ncustomers,
										   RevenueCustomer *customers);
extern RevenueMatrix *revenue_matrix_getarg(FunctionCallInfo fcinfo, int argno);

#endif							/* RETENTION_REVENUE_MATRIX_H */
