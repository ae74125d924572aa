/*-------------------------------------------------------------------------
 *
 * rfm.h
 *	  The state of the rfm aggregates, shared by rfm.c (the aggregates over
 *	  orders) and rfm_state.c (the storable rfm_state of DESIGN section 9,
 *	  whose stored form is this state in the codec's serialized form).
 *
 * A partial state (rfm_partial, rfm_rollup) has no as_of yet: its as_of
 * field holds the latest row it has seen (order or refund), the earliest
 * as_of it can be read at, and merging two partial states keeps the later
 * one. Partial states are of dates only.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_RFM_H
#define RETENTION_RFM_H

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/numeric.h"

#include "base/exactsum.h"

/* State kinds: the type of the order times and of the amounts */
#define RFM_DATE			'd'
#define RFM_TIMESTAMPTZ		't'
#define RFM_NUMERIC			'n'
#define RFM_FLOAT8			'f'

typedef struct RfmState
{
	int64		as_of;			/* snapshot (partial: latest row): days or microseconds */
	int64		first;			/* first order; only if frequency > 0 */
	int64		last;			/* last order; only if frequency > 0 */
	int64		frequency;		/* orders: rows with amount >= 0 */
	int64		rows;			/* rows kept: orders and refunds */
	int64		isum;			/* numeric: the amounts that fit, times 10^iscale */
	ExactSum	fsum;			/* float8: the exact sum */
	Numeric		nsum;			/* numeric: the amounts that did not fit, or NULL */
	int32		iscale;			/* numeric: display scale of isum */
	char		time_kind;		/* RFM_DATE or RFM_TIMESTAMPTZ */
	char		amount_kind;	/* RFM_NUMERIC or RFM_FLOAT8 */
	bool		partial;		/* a partial state: as_of is its latest row */
} RfmState;

extern const char *rfm_state_problem(const RfmState *state);
extern RfmState *rfm_state_new(MemoryContext context, char time_kind, char amount_kind,
							   int64 as_of, bool partial);
extern void rfm_state_merge(RfmState *dst, const RfmState *src, MemoryContext context);
extern bytea *rfm_state_write(const RfmState *state);
extern void rfm_state_decode(bytea *bytes, RfmState *state);
extern RfmState *rfm_state_read(bytea *bytes);
extern Datum rfm_state_result(FunctionCallInfo fcinfo, const RfmState *state);
extern void rfm_state_fields(const RfmState *state, Datum *values, bool *nulls);
extern void rfm_state_add_row(RfmState *state, int64 order_at, Datum amount,
							  MemoryContext aggcontext);
extern void rfm_check_finite_time(int64 t, char time_kind, const char *argname);
extern void rfm_check_same_as_of(int64 as_of, int64 other, char time_kind);

#endif							/* RETENTION_RFM_H */
