/*-------------------------------------------------------------------------
 *
 * gamma_gamma.h
 *	  What the Gamma-Gamma model exports to the discounted CLV (clv.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_GAMMA_GAMMA_H
#define RETENTION_GAMMA_GAMMA_H

#include "access/htup.h"

extern bool gamma_gamma_params(HeapTupleHeader model, double *params);
extern double gamma_gamma_spend(const double *params, int32 frequency,
								double monetary_value);

#endif							/* RETENTION_GAMMA_GAMMA_H */
