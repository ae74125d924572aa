/*-------------------------------------------------------------------------
 *
 * btyd_summary.h
 *	  The state of the btyd_summary aggregates, shared by btyd_summary.c
 *	  (the aggregates over orders) and btyd_state.c (the storable
 *	  btyd_state of DESIGN section 9, whose stored form is this state in
 *	  the codec's serialized form).
 *
 * A partial state (btyd_partial, btyd_rollup) has no as_of yet: it counts
 * its purchase days back from BTYD_PARTIAL_ANCHOR, the last valid date, so
 * partial states merge as they are and their days never move; `latest` is
 * its latest purchase, the earliest as_of it can be read at.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_BTYD_SUMMARY_H
#define RETENTION_BTYD_SUMMARY_H

#include "fmgr.h"
#include "datatype/timestamp.h"
#include "utils/date.h"

#include "base/codec.h"
#include "base/exactsum.h"
#include "base/time_unit.h"

/* Purchase days held inside the state before the list moves out of it. */
#define BTYD_INLINE_DAYS	8

/* The last valid date, from which partial states count their days. */
#define BTYD_PARTIAL_ANCHOR	((int32) (DATE_END_JULIAN - POSTGRES_EPOCH_JDATE - 1))

/*
 * One customer's aggregation state. days[] holds k (days before as_of) of
 * every purchase seen, possibly repeated; first_day is their maximum, -1
 * before the first purchase. first_sum is the total of the orders on
 * first_day, repeat_sum that of all the others.
 */
typedef struct BtydState
{
	int64		as_of;			/* DateADT or TimestampTz, as given */
	int64		latest;			/* partial: the latest purchase (DateADT); else 0 */
	ExactSum	first_sum;
	ExactSum	repeat_sum;
	int32		first_day;
	int32		ndays;			/* entries used in days[] */
	int32		maxdays;		/* entries allocated in days[] */
	uint8		unit;			/* a TimeUnit: day, week or month */
	bool		partial;		/* a partial state: as_of is the anchor */
	int32	   *days;			/* inline_days or an allocation */
	int32		inline_days[BTYD_INLINE_DAYS];
} BtydState;

extern BtydState *btyd_state_create(MemoryContext context, int64 as_of, uint8 unit, bool partial);
extern void btyd_state_init(BtydState *state, int64 as_of, uint8 unit, bool partial);
extern void btyd_check_same_group(const BtydState *state, int64 as_of, uint8 unit);
extern void btyd_state_merge(BtydState *left, const BtydState *right, MemoryContext context);
extern bytea *btyd_state_write(const BtydState *state);
extern BtydState *btyd_state_read(bytea *bytes);
extern Datum btyd_state_result(FunctionCallInfo fcinfo, const BtydState *state, int32 shift,
							   TimeUnit unit);

/* For aggregates built on purchase-day states (btyd_holdout.c). */
extern void btyd_state_add(BtydState *state, int32 k, double amount, MemoryContext context);
extern void btyd_state_send_fields(StringInfo buf, const BtydState *state);
extern BtydState *btyd_state_recv_fields(StateReader *reader);
extern int32 btyd_state_values(const BtydState *state, int32 shift, TimeUnit unit, Datum *values);
extern double btyd_numeric_amount(Datum datum);
extern int64 btyd_date_offset(DateADT order_at, DateADT as_of);
extern int64 btyd_timestamptz_offset(TimestampTz order_at, TimestampTz as_of);

#endif							/* RETENTION_BTYD_SUMMARY_H */
