/*-------------------------------------------------------------------------
 *
 * radix_sort.h
 *	  LSD radix sorts of (int64 key, row) items, of unsigned 32-bit
 *	  values and of records with a key of several words (radix_sort.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_RADIX_SORT_H
#define RETENTION_RADIX_SORT_H

/* A value being sorted: its key and its row */
typedef struct SortItem
{
	int64		key;
	int32		row;
} SortItem;

/* A record of radix_sort_records: its key words, most significant first, and a value */
#define RADIX_RECORD_KEYS	3

typedef struct RadixRecord
{
	uint64		key[RADIX_RECORD_KEYS];
	int64		value;
} RadixRecord;

/* radix_sort_uint32 sorts at most this many values by insertion */
#define RADIX_SORT_SMALL	48

extern void radix_sort_items(SortItem *items, int64 n, SortItem *tmp);
extern void radix_sort_uint32(uint32 *values, int64 n, uint32 *tmp);
extern void radix_sort_records(RadixRecord *records, int64 n, RadixRecord *tmp);

#endif							/* RETENTION_RADIX_SORT_H */
