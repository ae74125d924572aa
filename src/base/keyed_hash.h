/*-------------------------------------------------------------------------
 *
 * keyed_hash.h
 *	  Keyed hashes for hash tables whose keys are user data (keyed_hash.c
 *	  says which and why), so that nobody who does not know the backend's
 *	  secret can choose ids that collide and make a table quadratic.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_KEYED_HASH_H
#define RETENTION_KEYED_HASH_H

/* A table's key: 128 secret bits. */
typedef struct KeyedHashSeed
{
	uint64		k0;
	uint64		k1;
} KeyedHashSeed;

extern const KeyedHashSeed *keyed_hash_process_seed(void);
extern void keyed_hash_new_seed(KeyedHashSeed *seed);
extern uint64 keyed_hash_bytes(const KeyedHashSeed *seed, const void *data, Size len);

/* The backend's secret tabulation tables, filled by keyed_hash_process_seed. */
extern uint32 keyed_hash_tables[8][256];

/*
 * The simple tabulation hash of a 64-bit id under a table's key, which
 * keyed_hash_new_seed made (and so filled the tables): inline, as it runs
 * once per row of the one-pass aggregates.
 */
static inline uint32
keyed_hash_uint64(const KeyedHashSeed *seed, uint64 value)
{
	uint64		x = value ^ seed->k0;
	uint32		h = 0;

	for (int i = 0; i < 8; i++)
		h ^= keyed_hash_tables[i][(x >> (8 * i)) & 0xff];
	return h;
}

#endif							/* RETENTION_KEYED_HASH_H */
