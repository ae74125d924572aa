/*-------------------------------------------------------------------------
 *
 * exactsum.h
 *	  The exact sum of float8 values: a fixed-point accumulator wide enough
 *	  for every finite double (a superaccumulator), so a sum does not depend
 *	  on the order of its terms, nor on how a parallel plan splits them, and
 *	  rounds correctly once, at the end.
 *
 * Bit i of the accumulator weighs 2^(i - EXACTSUM_BIAS); it is held in
 * chunks of 32 bits, each in an int64 that takes the carries of up to 2^29
 * additions before they are propagated. Chunk 34 starts at 2^0, chunk 0 at
 * 2^-1088 (below the smallest double, 2^-1074), chunk 68 at 2^1088 (above
 * any sum of fewer than 2^63 doubles). Three chunks, held inside the
 * struct, cover 2^-64 to 2^32: amounts of 2^-12 to 2^31 with cents or
 * less, and their sums up to 2^31; a sum that needs more gets all 69
 * chunks (552 bytes) in an allocation. The struct is 32 bytes.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_EXACTSUM_H
#define RETENTION_EXACTSUM_H

#include "lib/stringinfo.h"

#include "base/codec.h"

#define EXACTSUM_BIAS		1088
#define EXACTSUM_CHUNKS		69
#define EXACTSUM_INLINE		3
/* additions between two carry propagations */
#define EXACTSUM_MAX_PENDING	(1 << 29)

/*
 * The chunks lo .. lo + n - 1, in u.inline_chunks (n <= EXACTSUM_INLINE)
 * or, once they do not fit there, in u.all (every chunk: lo = 0 and n =
 * EXACTSUM_CHUNKS). Chunks outside them are zero; n = 0 is the sum 0.
 * Never copied by value once it has u.all, which belongs to the sum.
 */
typedef struct ExactSum
{
	int8		lo;
	int8		n;
	int32		pending;		/* additions since the last propagation */
	union
	{
		int64		inline_chunks[EXACTSUM_INLINE];
		int64	   *all;
	}			u;
} ExactSum;

extern void exactsum_init(ExactSum *sum);
extern void exactsum_reset(ExactSum *sum);
extern void exactsum_widen(ExactSum *sum, int lo, int hi, MemoryContext context);
extern void exactsum_carry(ExactSum *sum, MemoryContext context);
extern void exactsum_merge(ExactSum *dst, const ExactSum *src, MemoryContext context);
extern double exactsum_value(const ExactSum *sum);
extern bool exactsum_is_zero(const ExactSum *sum);
extern void exactsum_send(StringInfo buf, const ExactSum *sum);
extern void exactsum_recv(StateReader *reader, ExactSum *sum);
extern const char *exactsum_problem(const ExactSum *sum);

/* Whether the sum holds every chunk, in an allocation. */
static inline bool
exactsum_is_wide(const ExactSum *sum)
{
	return sum->n == EXACTSUM_CHUNKS;
}

static inline int64 *
exactsum_chunks(ExactSum *sum)
{
	return exactsum_is_wide(sum) ? sum->u.all : sum->u.inline_chunks;
}

/*
 * Adds a finite double exactly; `context` holds the chunks when the sum
 * outgrows the struct. The double m * 2^e (53-bit m) lands in the three
 * chunks that bits e .. e + 52 touch.
 */
static inline void
exactsum_add(ExactSum *sum, double x, MemoryContext context)
{
	uint64		bits;
	uint64		m;
	uint64		rest;
	int			biased;
	int			p;
	int			c;
	int			top;
	int			sh;
	int64	   *ch;

	memcpy(&bits, &x, sizeof(bits));
	biased = (int) ((bits >> 52) & 0x7FF);
	m = bits & ((UINT64CONST(1) << 52) - 1);
	if (biased == 0)
	{
		if (m == 0)
			return;
		biased = 1;				/* a subnormal: m * 2^-1074 */
	}
	else if (unlikely(biased == 0x7FF))
		elog(ERROR, "exactsum_add of a value that is not finite");
	else
		m |= UINT64CONST(1) << 52;
	/*
	 * x = m * 2^(biased - 1075): its bits are p .. p + 52 of the
	 * accumulator, in chunks c .. top (c + 1 or c + 2)
	 */
	p = biased - 1075 + EXACTSUM_BIAS;
	c = p >> 5;
	top = (p + 52) >> 5;
	sh = p & 31;
	if (unlikely(c < sum->lo || top >= sum->lo + sum->n))
		exactsum_widen(sum, c, top, context);
	ch = exactsum_chunks(sum) + (c - sum->lo);
	rest = m >> (32 - sh);
	if (bits >> 63)
	{
		ch[0] -= (int64) ((m << sh) & 0xFFFFFFFF);
		ch[1] -= (int64) (rest & 0xFFFFFFFF);
		if (top > c + 1)
			ch[2] -= (int64) (rest >> 32);
	}
	else
	{
		ch[0] += (int64) ((m << sh) & 0xFFFFFFFF);
		ch[1] += (int64) (rest & 0xFFFFFFFF);
		if (top > c + 1)
			ch[2] += (int64) (rest >> 32);
	}
	if (unlikely(++sum->pending >= EXACTSUM_MAX_PENDING))
		exactsum_carry(sum, context);
}

#endif							/* RETENTION_EXACTSUM_H */
