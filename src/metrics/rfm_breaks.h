/*-------------------------------------------------------------------------
 *
 * rfm_breaks.h
 *	  Fixed score breaks (the rfm_breaks composite), shared by the breaks
 *	  aggregate and constructor and the scalar rfm_score.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_RFM_BREAKS_H
#define RETENTION_RFM_BREAKS_H

#include "fmgr.h"

/* rfm_score allows 2..RFM_MAX_BINS bins */
#define RFM_MAX_BINS	9

/*
 * Validated breaks: per column R, F, M, bins - 1 non-decreasing cut values,
 * or none (isnull) when the column had no values. A value v scores
 * 1 + #{cuts <= v} for F and M, 1 + #{cuts >= v} for R.
 */
typedef struct RfmBreaks
{
	int32		bins;
	bool		isnull[3];
	double		cuts[3][RFM_MAX_BINS - 1];
} RfmBreaks;

extern int32 rfm_check_bins(int32 bins);
extern void rfm_breaks_parse(Datum composite, RfmBreaks *breaks);
extern Datum rfm_breaks_of_columns(FunctionCallInfo fcinfo, int32 bins, double *values[3],
								   const int64 n[3]);

#endif							/* RETENTION_RFM_BREAKS_H */
