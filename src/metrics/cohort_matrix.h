/*-------------------------------------------------------------------------
 *
 * cohort_matrix.h
 *	  The cohort_matrix type (cohort_matrix.c): its layout and what the
 *	  cohort_retention aggregates (cohort.c) need to build one.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_COHORT_MATRIX_H
#define RETENTION_COHORT_MATRIX_H

#include "base/time_unit.h"

/*
 * cohort_matrix: for each cohort (the customers whose first active period
 * is its start) and each offset k from 0 to last - start, the customers
 * active in period start + k (classic), those active in start + k or later
 * (rolling), and optionally the revenue in period start + k as an int64
 * count of 10^-revenue_scale units.
 *
 * Layout: this header, int32 starts[ncohorts] (strictly increasing), padding
 * to 8 bytes, then per cohort, in order, int64 active[len], rolling[len]
 * and (with revenue) revenue[len], len = last - start + 1.
 */
typedef struct CohortMatrix
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;
	uint8		unit;			/* TimeUnit */
	uint8		flags;
	uint8		revenue_scale;
	int32		ncohorts;
	int32		last;			/* the last period with any activity */
	int32		starts[FLEXIBLE_ARRAY_MEMBER];
} CohortMatrix;

#define COHORT_MATRIX_VERSION		1
#define COHORT_MATRIX_HAS_REVENUE	0x01
#define COHORT_MAX_REVENUE_SCALE	18

#define DatumGetCohortMatrixP(X)	((CohortMatrix *) PG_DETOAST_DATUM(X))
#define PG_GETARG_COHORT_MATRIX_P(n) DatumGetCohortMatrixP(PG_GETARG_DATUM(n))

/* Number of cells of one cohort starting at period start. */
static inline int32
cohort_matrix_len(const CohortMatrix *matrix, int32 start)
{
	return matrix->last - start + 1;
}

/* Number of int64 arrays per cohort: active, rolling and maybe revenue. */
static inline int
cohort_matrix_blocks(uint8 flags)
{
	return (flags & COHORT_MATRIX_HAS_REVENUE) ? 3 : 2;
}

/* Offset of the first int64 cell from the start of the matrix. */
static inline Size
cohort_matrix_cells_offset(int32 ncohorts)
{
	return TYPEALIGN(sizeof(int64),
					 offsetof(CohortMatrix, starts) + sizeof(int32) * (Size) ncohorts);
}

static inline int64 *
cohort_matrix_cells(CohortMatrix *matrix)
{
	return (int64 *) ((char *) matrix + cohort_matrix_cells_offset(matrix->ncohorts));
}

/*
 * The most cells per count a cohort_retention aggregate builds: its value
 * (8 bytes a cell and count) and its text form (up to about 23 bytes a
 * cell and count) then stay below PostgreSQL's 1 GB limit for a value.
 * Ten years of daily cohorts take 6.7 million.
 */
#define COHORT_MAX_CELLS	10000000

extern uint64 cohort_matrix_ncells(int32 ncohorts, const int32 *starts, int32 last);
extern Size cohort_matrix_size(uint8 flags, int32 ncohorts, const int32 *starts,
							   int32 last);
extern CohortMatrix *cohort_matrix_alloc(TimeUnit unit, uint8 flags, int scale,
										 int32 ncohorts, const int32 *starts,
										 int32 last);
extern void cohort_matrix_check(const CohortMatrix *matrix, Size size, int sqlstate);

#endif							/* RETENTION_COHORT_MATRIX_H */
