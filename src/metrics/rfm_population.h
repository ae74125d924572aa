/*-------------------------------------------------------------------------
 *
 * rfm_population.h
 *	  The stored form of an rfm_population or rfm_population_text
 *	  (rfm_population.c): every customer's rfm state in one value, read customer by customer by
 *	  rfm_segments and rfm_breaks (rfm_segments.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_RFM_POPULATION_H
#define RETENTION_RFM_POPULATION_H

#include "base/codec.h"
#include "metrics/rfm.h"

/* Reads the customers of a population, checking each one. */
typedef struct RfmPopulationReader
{
	StateReader reader;
	RfmState	header;			/* kinds and as_of of every customer */
	int64		count;			/* customers in the value */
	int64		done;			/* customers read so far */
	bool		stored;			/* a stored value: ids strictly increase */
	bool		text_ids;		/* an rfm_population_text */
	int64		last_id;
	const char *text;			/* the latest text id, in the bytes */
	Size		text_len;
} RfmPopulationReader;

extern void rfm_population_begin_read(RfmPopulationReader *r, bytea *bytes, bool stored,
									  bool text_ids);
extern bool rfm_population_next(RfmPopulationReader *r, int64 *id, RfmState *state);
extern void rfm_population_check_size(Size have, Size more, uint64 customers);
extern void rfm_population_text_check_size(Size have, Size more, uint64 customers);

#endif							/* RETENTION_RFM_POPULATION_H */
