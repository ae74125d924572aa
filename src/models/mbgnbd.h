/*-------------------------------------------------------------------------
 *
 * mbgnbd.h
 *	  What the MBG/NBD model exports to the discounted CLV (clv.c) and to
 *	  the tracking aggregate (tracking.c). Its composite's parameters are
 *	  BG/NBD's (r, alpha, a, b, in that order): bgnbd_params reads them.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_MBGNBD_H
#define RETENTION_MBGNBD_H

extern double mbgnbd_expected(const double *params, double x, double tx,
							  double t, double horizon);

#endif							/* RETENTION_MBGNBD_H */
