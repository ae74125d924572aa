/*-------------------------------------------------------------------------
 *
 * radix_sort.c
 *	  The sort of (int64 key, row) items that rfm_score's window scoring
 *	  and the populations' stored forms use, of unsigned 32-bit values
 *	  (btyd_summary's purchase days), and of records keyed by several
 *	  words (the distinct rows of a fit, fit_state.c) (radix_sort.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"

#include "base/radix_sort.h"
#include "retention.h"

/* qsort order of two items: by key. */
static int
sort_item_cmp(const void *a, const void *b)
{
	int64		x = ((const SortItem *) a)->key;
	int64		y = ((const SortItem *) b)->key;

	return (x > y) - (x < y);
}

/*
 * Sorts n items by key (the order among equal keys does not matter): an
 * LSD radix sort on the key bytes that differ (a few for days, counts and
 * cents), qsort for small n. tmp holds n items. rfm_score sorts its
 * values with it, the customer tables (customer_table.h) their ids.
 */
void
radix_sort_items(SortItem *items, int64 n, SortItem *tmp)
{
	uint64		differ = 0;
	SortItem   *from = items;
	SortItem   *to = tmp;

	if (n < 256)
	{
		qsort(items, n, sizeof(SortItem), sort_item_cmp);
		return;
	}
	for (int64 i = 1; i < n; i++)
		differ |= (uint64) items[i].key ^ (uint64) items[0].key;
	for (int shift = 0; shift < 64; shift += 8)
	{
		int64		offsets[256] = {0};

		/* flip the sign bit so that negative keys sort first */
		uint64		flip = shift == 56 ? UINT64CONST(0x80) : 0;

		if (((differ >> shift) & 0xFF) == 0)
			continue;
		for (int64 i = 0; i < n; i++)
			offsets[(((uint64) from[i].key >> shift) & 0xFF) ^ flip]++;
		for (int64 d = 0, sum = 0; d < 256; d++)
		{
			int64		count = offsets[d];

			offsets[d] = sum;
			sum += count;
		}
		for (int64 i = 0; i < n; i++)
			to[offsets[(((uint64) from[i].key >> shift) & 0xFF) ^ flip]++] = from[i];
		from = to;
		to = from == items ? tmp : items;
		CHECK_FOR_INTERRUPTS();
	}
	if (from != items)
		memcpy(items, from, sizeof(SortItem) * n);
}

/*
 * Sorts n unsigned 32-bit values ascending: an insertion sort for a few,
 * else an LSD radix sort on the bytes that differ (one or two for days).
 * tmp holds n values. btyd_summary sorts its purchase days with it.
 */
void
radix_sort_uint32(uint32 *values, int64 n, uint32 *tmp)
{
	uint32		differ = 0;
	uint32	   *from = values;
	uint32	   *to = tmp;

	if (n <= RADIX_SORT_SMALL)
	{
		for (int64 i = 1; i < n; i++)
		{
			uint32		v = values[i];
			int64		j = i;

			for (; j > 0 && values[j - 1] > v; j--)
				values[j] = values[j - 1];
			values[j] = v;
		}
		return;
	}
	for (int64 i = 1; i < n; i++)
		differ |= values[i] ^ values[0];
	for (int shift = 0; shift < 32; shift += 8)
	{
		int64		offsets[256] = {0};

		if (((differ >> shift) & 0xFF) == 0)
			continue;
		for (int64 i = 0; i < n; i++)
			offsets[(from[i] >> shift) & 0xFF]++;
		for (int64 d = 0, sum = 0; d < 256; d++)
		{
			int64		count = offsets[d];

			offsets[d] = sum;
			sum += count;
		}
		for (int64 i = 0; i < n; i++)
			to[offsets[(from[i] >> shift) & 0xFF]++] = from[i];
		from = to;
		to = from == values ? tmp : values;
	}
	if (from != values)
		memcpy(values, from, sizeof(uint32) * n);
}

/*
 * Sorts n records by their key words lexicographically, as unsigned
 * numbers (the order among equal keys does not matter): a stable LSD
 * radix sort on the bytes that differ among the records, the last key
 * word's lowest byte first, so each byte costs one pass only where the
 * records differ in it (a fit's rows: a few bytes of a whole-number
 * frequency, none of a common age). tmp holds n records. fit_state.c
 * sorts the distinct rows of a fit with it.
 */
void
radix_sort_records(RadixRecord *records, int64 n, RadixRecord *tmp)
{
	uint64		differ[RADIX_RECORD_KEYS] = {0};
	RadixRecord *from = records;
	RadixRecord *to = tmp;

	for (int64 i = 1; i < n; i++)
		for (int k = 0; k < RADIX_RECORD_KEYS; k++)
			differ[k] |= records[i].key[k] ^ records[0].key[k];
	for (int k = RADIX_RECORD_KEYS - 1; k >= 0; k--)
		for (int shift = 0; shift < 64; shift += 8)
		{
			int64		offsets[256] = {0};

			if (((differ[k] >> shift) & 0xFF) == 0)
				continue;
			for (int64 i = 0; i < n; i++)
				offsets[(from[i].key[k] >> shift) & 0xFF]++;
			for (int64 d = 0, sum = 0; d < 256; d++)
			{
				int64		count = offsets[d];

				offsets[d] = sum;
				sum += count;
			}
			for (int64 i = 0; i < n; i++)
				to[offsets[(from[i].key[k] >> shift) & 0xFF]++] = from[i];
			from = to;
			to = from == records ? tmp : records;
			CHECK_FOR_INTERRUPTS();
		}
	if (from != records)
		memcpy(records, from, sizeof(RadixRecord) * n);
}
