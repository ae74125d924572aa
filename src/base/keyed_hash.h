/*-------------------------------------------------------------------------
 *
 * keyed_hash.h
 *	  A keyed hash for hash tables whose keys are user data: SipHash-1-3
 *	  under a secret 128-bit key, so that nobody who does not know the key
 *	  can choose ids that collide and make a table quadratic.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_KEYED_HASH_H
#define RETENTION_KEYED_HASH_H

/* A SipHash key: 128 secret bits. */
typedef struct KeyedHashSeed
{
	uint64		k0;
	uint64		k1;
} KeyedHashSeed;

extern const KeyedHashSeed *keyed_hash_process_seed(void);
extern void keyed_hash_new_seed(KeyedHashSeed *seed);
extern uint64 keyed_hash_bytes(const KeyedHashSeed *seed, const void *data, Size len);
extern uint64 keyed_hash_uint64(const KeyedHashSeed *seed, uint64 value);

#endif							/* RETENTION_KEYED_HASH_H */
