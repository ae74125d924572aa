/*-------------------------------------------------------------------------
 *
 * pareto_nbd.h
 *	  What the Pareto/NBD model exports to the tracking aggregate
 *	  (tracking.c), the discounted CLV (clv.c) and its conditional PMF
 *	  (pareto_nbd_pmf.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_PARETO_NBD_H
#define RETENTION_PARETO_NBD_H

#include "access/htup.h"

extern bool pareto_nbd_params(HeapTupleHeader model, double *params);
extern double pareto_nbd_expected(const double *params, double x, double tx,
								  double t, double horizon);
extern double pareto_nbd_log_alive(const double *params, int32 x, double tx,
								   double t);

#endif							/* RETENTION_PARETO_NBD_H */
