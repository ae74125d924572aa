/*-------------------------------------------------------------------------
 *
 * rfm_score.h
 *	  The window scoring of rfm_score.c, for populations held in arrays
 *	  (rfm_segments, rfm_population.c): the ranks behind the scores, the
 *	  score of a rank, and the radix sort both use.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_RFM_SCORE_H
#define RETENTION_RFM_SCORE_H

#include "fmgr.h"

#include "base/radix_sort.h"

extern void rfm_score_rank(int64 n, const int32 *recency, const bool *recency_null,
						   const int64 *frequency, const Datum *monetary, int32 *below[3],
						   int64 counted[3]);

/*
 * The score of a value with `below` values below it (above, for recency)
 * among `counted`: 1 + floor(bins * below / counted), at most bins since
 * below < counted; 0 for a NULL value (below < 0).
 */
static inline int32
rfm_score_of(int32 below, int32 bins, int64 counted)
{
	return below < 0 ? 0 : (int32) (1 + (int64) bins * below / counted);
}

#endif							/* RETENTION_RFM_SCORE_H */
