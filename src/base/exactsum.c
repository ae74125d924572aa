/*-------------------------------------------------------------------------
 *
 * exactsum.c
 *	  The exact sum of float8 values (exactsum.h): growing, carrying,
 *	  merging, rounding to the nearest double and the serialized form.
 *
 * The value of a sum is an integer multiple of 2^-1074, held exactly, so
 * any order of additions and merges gives the same value, and the double
 * returned is that value correctly rounded (to nearest, ties to even), as
 * if the sum had been computed in infinite precision.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "libpq/pqformat.h"
#include "port/pg_bitutils.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "base/exactsum.h"
#include "retention.h"

#define CHUNK_BITS		32
#define CHUNK_MASK		INT64CONST(0xFFFFFFFF)
#define CHUNK_HALF		(INT64CONST(1) << 31)

/* An empty sum (the value 0) that holds no allocation. */
void
exactsum_init(ExactSum *sum)
{
	memset(sum, 0, sizeof(ExactSum));
}

/*
 * Sets the sum to 0, keeping its chunks (allocated or not), so that the
 * next amounts of the same size need no widening.
 */
void
exactsum_reset(ExactSum *sum)
{
	memset(exactsum_chunks(sum), 0, sizeof(int64) * sum->n);
	sum->pending = 0;
}

/*
 * Makes chunks lo .. hi (0 <= lo <= hi < EXACTSUM_CHUNKS) part of the sum,
 * with those it holds: inside the struct while they all fit there, else in
 * an allocation of every chunk in `context`.
 */
void
exactsum_widen(ExactSum *sum, int lo, int hi, MemoryContext context)
{
	int			newlo = sum->n > 0 ? Min(lo, sum->lo) : lo;
	int			newhi = sum->n > 0 ? Max(hi, sum->lo + sum->n - 1) : hi;
	int64	   *all;

	if (lo < 0 || hi >= EXACTSUM_CHUNKS || lo > hi)
		elog(ERROR, "exactsum chunks %d .. %d out of range", lo, hi);

	if (exactsum_is_wide(sum))
		return;					/* it holds every chunk */
	if (newhi - newlo < EXACTSUM_INLINE)
	{
		int64		moved[EXACTSUM_INLINE] = {0};

		for (int i = 0; i < sum->n; i++)
			moved[sum->lo + i - newlo] = sum->u.inline_chunks[i];
		memcpy(sum->u.inline_chunks, moved, sizeof(moved));
		sum->lo = newlo;
		sum->n = newhi - newlo + 1;
		return;
	}
	all = MemoryContextAllocZero(context, sizeof(int64) * EXACTSUM_CHUNKS);
	for (int i = 0; i < sum->n; i++)
		all[sum->lo + i] = sum->u.inline_chunks[i];
	sum->u.all = all;
	sum->lo = 0;
	sum->n = EXACTSUM_CHUNKS;
}

/*
 * Propagates carries over n chunks: every chunk but the last into 0 ..
 * 2^32 - 1, the last taking the rest, signed. The value does not change.
 */
static void
propagate(int64 *ch, int n)
{
	for (int i = 0; i + 1 < n; i++)
	{
		int64		low = ch[i] & CHUNK_MASK;

		/* ch[i] - low is a multiple of 2^32: the division is exact */
		ch[i + 1] += (ch[i] - low) / (CHUNK_MASK + 1);
		ch[i] = low;
	}
}

/*
 * Propagates the carries of the sum, growing it upwards until its top
 * chunk is within -2^31 .. 2^31 - 1, so that EXACTSUM_MAX_PENDING more
 * additions cannot overflow a chunk. A sum beyond 2^1149 (more than 2^61
 * times the largest double) is 22003.
 */
void
exactsum_carry(ExactSum *sum, MemoryContext context)
{
	for (;;)
	{
		int64	   *ch = exactsum_chunks(sum);
		int64		top;

		propagate(ch, sum->n);
		top = ch[sum->n - 1];
		if (top >= -CHUNK_HALF && top < CHUNK_HALF)
			break;
		if (sum->lo + sum->n == EXACTSUM_CHUNKS)
		{
			if (top > (INT64CONST(1) << 61) || top < -(INT64CONST(1) << 61))
				float_overflow_error();
			break;
		}
		exactsum_widen(sum, sum->lo, sum->lo + sum->n, context);
	}
	sum->pending = 0;
}

/* Adds src to dst exactly; `context` holds dst's chunks if it must grow. */
void
exactsum_merge(ExactSum *dst, const ExactSum *src, MemoryContext context)
{
	const int64 *from = exactsum_is_wide(src) ? src->u.all : src->u.inline_chunks;
	int64	   *to;

	if (src->n == 0)
		return;
	if (src->lo < dst->lo || src->lo + src->n > dst->lo + dst->n)
		exactsum_widen(dst, src->lo, src->lo + src->n - 1, context);
	to = exactsum_chunks(dst) + (src->lo - dst->lo);
	for (int i = 0; i < src->n; i++)
		to[i] += from[i];
	/* both sides are below EXACTSUM_MAX_PENDING: no chunk overflowed */
	dst->pending += src->pending + 1;
	if (dst->pending >= EXACTSUM_MAX_PENDING)
		exactsum_carry(dst, context);
}

/*
 * The canonical form of a sum: every chunk in all[], carries propagated,
 * and the span *lo .. *hi outside which the chunks are 0 (*hi < *lo for
 * the value 0). All chunks but the top one are in 0 .. 2^32 - 1; a top
 * chunk of -1 above a chunk 2^32 - 1 is folded into it, so each value has
 * one form, and a negative value has a negative top chunk.
 */
static void
canonical(const ExactSum *sum, int64 *all, int *lo, int *hi)
{
	const int64 *ch = exactsum_is_wide(sum) ? sum->u.all : sum->u.inline_chunks;

	memset(all, 0, sizeof(int64) * EXACTSUM_CHUNKS);
	for (int i = 0; i < sum->n; i++)
		all[sum->lo + i] = ch[i];
	/* the chunks below sum->lo are 0 and carry nothing */
	propagate(all + sum->lo, EXACTSUM_CHUNKS - sum->lo);
	*hi = EXACTSUM_CHUNKS - 1;
	for (;;)
	{
		if (*hi >= 0 && all[*hi] == 0)
			(*hi)--;
		else if (*hi > 0 && all[*hi] == -1 && all[*hi - 1] == CHUNK_MASK)
		{
			all[*hi] = 0;
			all[--(*hi)] = -1;
		}
		else
			break;
	}
	*lo = 0;
	while (*lo <= *hi && all[*lo] == 0)
		(*lo)++;
}

/* Whether the sum is 0. */
bool
exactsum_is_zero(const ExactSum *sum)
{
	int64		all[EXACTSUM_CHUNKS];
	int			lo;
	int			hi;

	canonical(sum, all, &lo, &hi);
	return hi < lo;
}

/* Bits pos .. pos + count - 1 (count <= 53) of chunks in 0 .. 2^32 - 1. */
static uint64
bits_at(const int64 *ch, int pos, int count)
{
	int			k = pos / CHUNK_BITS;
	int			got = CHUNK_BITS - pos % CHUNK_BITS;
	uint64		result = (uint64) ch[k] >> (pos % CHUNK_BITS);

	while (got < count && k + 1 < EXACTSUM_CHUNKS)
	{
		result |= (uint64) ch[++k] << got;
		got += CHUNK_BITS;
	}
	return result & ((UINT64CONST(1) << count) - 1);
}

/* Whether any of bits 0 .. pos - 1 is set. */
static bool
any_bit_below(const int64 *ch, int pos)
{
	for (int k = 0; k < pos / CHUNK_BITS; k++)
		if (ch[k] != 0)
			return true;
	return (ch[pos / CHUNK_BITS] & ((INT64CONST(1) << (pos % CHUNK_BITS)) - 1)) != 0;
}

/*
 * The sum rounded to the nearest double, ties to even (0 is +0). A sum
 * beyond the float8 range is 22003, whatever the order of its terms.
 */
double
exactsum_value(const ExactSum *sum)
{
	int64		all[EXACTSUM_CHUNKS];
	int			lo;
	int			hi;
	bool		negative;
	int			top;
	int			low;
	uint64		mantissa;
	double		result;

	canonical(sum, all, &lo, &hi);
	if (hi < lo)
		return 0.0;
	negative = all[hi] < 0;
	if (negative)
	{
		for (int i = lo; i <= hi; i++)
			all[i] = -all[i];
		propagate(all + lo, EXACTSUM_CHUNKS - lo);
		while (all[hi] == 0)
			hi--;
	}
	/* the magnitude's chunks are all in 0 .. 2^32 - 1 now */
	top = hi * CHUNK_BITS + pg_leftmost_one_pos64((uint64) all[hi]);
	if (top - EXACTSUM_BIAS >= 1024)
		float_overflow_error();
	/*
	 * keep bits low .. top and round at low; below 2^-1022 the double has
	 * fewer bits, but then the sum is exact (its terms are multiples of
	 * 2^-1074), and ldexp keeps it so
	 */
	low = Max(top - 52, 0);
	mantissa = bits_at(all, low, top - low + 1);
	if (low > 0 && (all[(low - 1) / CHUNK_BITS] >> ((low - 1) % CHUNK_BITS) & 1) &&
		(any_bit_below(all, low - 1) || (mantissa & 1)))
		mantissa++;
	result = ldexp((double) mantissa, low - EXACTSUM_BIAS);
	if (isinf(result))
		float_overflow_error();
	return negative ? -result : result;
}

/*
 * Appends the canonical form: int16 first chunk, int16 chunk count, then
 * the chunks as int64 (network byte order).
 */
void
exactsum_send(StringInfo buf, const ExactSum *sum)
{
	int64		all[EXACTSUM_CHUNKS];
	int			lo;
	int			hi;

	canonical(sum, all, &lo, &hi);
	if (hi < lo)
	{
		lo = 0;
		hi = -1;
	}
	pq_sendint16(buf, lo);
	pq_sendint16(buf, hi - lo + 1);
	for (int i = lo; i <= hi; i++)
		pq_sendint64(buf, all[i]);
}

/*
 * What is wrong with a sum, or NULL: its span must lie in the chunks and
 * its chunks be small enough that EXACTSUM_MAX_PENDING more additions
 * cannot overflow them.
 */
const char *
exactsum_problem(const ExactSum *sum)
{
	const int64 *ch;
	int64		bound = (int64) (sum->pending + 1) << CHUNK_BITS;

	if (sum->lo < 0 || sum->n < 0 || sum->lo + sum->n > EXACTSUM_CHUNKS ||
		(!exactsum_is_wide(sum) && sum->n > EXACTSUM_INLINE))
		return "a float8 sum with chunks out of range";
	ch = exactsum_is_wide(sum) ? sum->u.all : sum->u.inline_chunks;
	if (sum->pending < 0 || sum->pending >= EXACTSUM_MAX_PENDING)
		return "a float8 sum with a bad carry count";
	for (int i = 0; i < sum->n; i++)
		if (ch[i] > bound || ch[i] < -bound)
		{
			if (sum->lo + i == EXACTSUM_CHUNKS - 1 &&
				ch[i] <= (INT64CONST(1) << 61) && ch[i] >= -(INT64CONST(1) << 61))
				continue;
			return "a float8 sum with a chunk out of range";
		}
	return NULL;
}

/*
 * Reads what exactsum_send wrote into *sum (in the current memory
 * context); a sum that is not one exactsum_send writes is a corrupt state.
 */
void
exactsum_recv(StateReader *reader, ExactSum *sum)
{
	int			lo = codec_read_int16(reader);
	int			n = codec_read_int16(reader);
	const char *problem;

	exactsum_init(sum);
	if (lo < 0 || n < 0 || lo + n > EXACTSUM_CHUNKS)
		codec_corrupt(reader, "a float8 sum with chunks out of range");
	if (n == 0)
		return;
	exactsum_widen(sum, lo, lo + n - 1, CurrentMemoryContext);
	for (int i = 0; i < n; i++)
	{
		int64		chunk = codec_read_int64(reader);

		/* the top chunk is signed, the others are 32 bits */
		if (i < n - 1 ? chunk < 0 || chunk > CHUNK_MASK :
			lo + i < EXACTSUM_CHUNKS - 1 && (chunk < -CHUNK_MASK - 1 || chunk > CHUNK_MASK))
			codec_corrupt(reader, "a float8 sum with a chunk out of range");
		exactsum_chunks(sum)[lo + i - sum->lo] = chunk;
	}
	if ((problem = exactsum_problem(sum)) != NULL)
		codec_corrupt(reader, problem);
}
