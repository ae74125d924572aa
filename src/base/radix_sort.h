/*-------------------------------------------------------------------------
 *
 * radix_sort.h
 *	  LSD radix sorts of (int64 key, row) items and of unsigned 32-bit
 *	  values (radix_sort.c).
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

/* radix_sort_uint32 sorts at most this many values by insertion */
#define RADIX_SORT_SMALL	48

extern void radix_sort_items(SortItem *items, int64 n, SortItem *tmp);
extern void radix_sort_uint32(uint32 *values, int64 n, uint32 *tmp);

#endif							/* RETENTION_RADIX_SORT_H */
