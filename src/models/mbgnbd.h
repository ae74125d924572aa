/*-------------------------------------------------------------------------
 *
 * mbgnbd.h
 *	  What the MBG/NBD model exports to the discounted CLV (clv.c) and to
 *	  the tracking aggregate (tracking.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_MBGNBD_H
#define RETENTION_MBGNBD_H

#include "access/htup.h"

extern bool mbgnbd_params(HeapTupleHeader model, double *params);
extern double mbgnbd_expected(const double *params, double x, double tx,
							  double t, double horizon);

#endif							/* RETENTION_MBGNBD_H */
