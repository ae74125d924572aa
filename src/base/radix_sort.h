/*-------------------------------------------------------------------------
 *
 * radix_sort.h
 *	  An LSD radix sort of (int64 key, row) items (radix_sort.c).
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

extern void radix_sort_items(SortItem *items, int64 n, SortItem *tmp);

#endif							/* RETENTION_RADIX_SORT_H */
