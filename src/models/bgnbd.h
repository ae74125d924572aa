/*-------------------------------------------------------------------------
 *
 * bgnbd.h
 *	  What the BG/NBD model exports to the discounted CLV (clv.c) and to
 *	  MBG/NBD (mbgnbd.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_BGNBD_H
#define RETENTION_BGNBD_H

#include "access/htup.h"

#define BGNBD_NPARAMS	4

extern const char *const bgnbd_names[BGNBD_NPARAMS];

extern bool bgnbd_params(HeapTupleHeader model, double *params);
extern double bgnbd_expected(const double *params, double x, double tx,
							 double t, double horizon);
extern double bgnbd_alive_expected(const double *params, double b_shift,
								   double x, double t, double horizon);
extern double bgnbd_loglik_rows(const void *data, const double *params,
								bool modified, double *grad, double *hess);
extern double bgnbd_pmf(const double *params, int32 n, double horizon);

#endif							/* RETENTION_BGNBD_H */
