/*-------------------------------------------------------------------------
 *
 * keyed_hash.c
 *	  Hashes for hash tables keyed by user data: SipHash-1-3 (Aumasson &
 *	  Bernstein 2012, "SipHash: a fast short-input PRF", INDOCRYPT; one
 *	  compression and three finalization rounds, the variant Rust's and
 *	  CPython's hash tables use) for byte strings, and simple tabulation
 *	  hashing (Carter & Wegman 1979; Patrascu & Thorup 2012, "The power of
 *	  simple tabulation hashing", J. ACM 59(3)) for 64-bit ids.
 *
 * Unkeyed or merely seeded mixers (MurmurHash3's finalizer, Jenkins'
 * lookup3, also with a seed) can be inverted or have seed-independent
 * multicollisions (Aumasson, Bernstein & Bosslet 2012, "Hash-flooding DoS
 * reloaded"), so a user can pick tens of thousands of ids whose hashes
 * share their low bits and turn an open-addressing table quadratic. A hash
 * drawn at random from a family the user cannot see leaves only random
 * collisions: SipHash is a pseudorandom function under a secret key; simple
 * tabulation XORs eight entries of secret random tables, one per byte of
 * the id, and is 3-independent, which Patrascu & Thorup prove gives linear
 * probing (simplehash's Robin Hood tables) constant expected probes for
 * every set of ids. Tabulation costs eight loads from 8 kB that stay in the
 * L1 cache where SipHash costs five rounds of sixteen operations: a bigint
 * id, hashed once per order row, takes the cheaper of the two.
 *
 * Each backend draws one 128-bit key from pg_strong_random on first use
 * and fills its tabulation tables from it; keyed_hash_new_seed derives a
 * fresh key per table from it and a counter, so two tables (or two
 * parallel workers) never share a key and a table's layout reveals nothing
 * about another's. No hash value may reach a result or a serialized state:
 * they differ between processes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "port/pg_bswap.h"

#include "base/keyed_hash.h"
#include "retention.h"

static KeyedHashSeed process_seed;
uint32		keyed_hash_tables[8][256];
static bool process_seed_ready = false;
static uint64 tables_seeded = 0;

static inline uint64
rotl64(uint64 x, int k)
{
	return (x << k) | (x >> (64 - k));
}

#define SIPROUND(v0, v1, v2, v3) \
	do { \
		v0 += v1; v1 = rotl64(v1, 13); v1 ^= v0; v0 = rotl64(v0, 32); \
		v2 += v3; v3 = rotl64(v3, 16); v3 ^= v2; \
		v0 += v3; v3 = rotl64(v3, 21); v3 ^= v0; \
		v2 += v1; v1 = rotl64(v1, 17); v1 ^= v2; v2 = rotl64(v2, 32); \
	} while (0)

/* A little-endian 64-bit word from 8 bytes that need not be aligned. */
static inline uint64
read_le64(const unsigned char *p)
{
	uint64		w;

	memcpy(&w, p, sizeof(uint64));
#ifdef WORDS_BIGENDIAN
	w = pg_bswap64(w);
#endif
	return w;
}

/*
 * SipHash-1-3 of data[0..len) under seed: the 64-bit output of the
 * reference algorithm (words little-endian, the last one carrying len mod
 * 256 in its top byte). Inlined into both callers, so that the 8-byte
 * case compiles to straight-line code.
 */
static pg_attribute_always_inline uint64
siphash13(const KeyedHashSeed *seed, const unsigned char *p, Size len)
{
	const unsigned char *end = p + (len & ~(Size) 7);
	uint64		v0 = seed->k0 ^ UINT64CONST(0x736f6d6570736575);
	uint64		v1 = seed->k1 ^ UINT64CONST(0x646f72616e646f6d);
	uint64		v2 = seed->k0 ^ UINT64CONST(0x6c7967656e657261);
	uint64		v3 = seed->k1 ^ UINT64CONST(0x7465646279746573);
	uint64		last = (uint64) len << 56;

	for (; p < end; p += 8)
	{
		uint64		m = read_le64(p);

		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	for (int i = 0; i < (int) (len & 7); i++)
		last |= (uint64) p[i] << (8 * i);
	v3 ^= last;
	SIPROUND(v0, v1, v2, v3);
	v0 ^= last;
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* SipHash-1-3 of data[0..len) under seed (text ids, fit rows). */
uint64
keyed_hash_bytes(const KeyedHashSeed *seed, const void *data, Size len)
{
	return siphash13(seed, (const unsigned char *) data, len);
}

/*
 * The backend's secret key, drawn from pg_strong_random on first use
 * (never in the postmaster, which calls no hash, so every backend has its
 * own), and the tabulation tables drawn from it. Error 58000 when the
 * system has no strong random source.
 */
const KeyedHashSeed *
keyed_hash_process_seed(void)
{
	if (unlikely(!process_seed_ready))
	{
		uint64		words[2];

		if (!pg_strong_random(words, sizeof(words)))
			ereport(ERROR,
					(errcode(ERRCODE_SYSTEM_ERROR),
					 errmsg("could not generate a random hash key")));
		process_seed.k0 = words[0];
		process_seed.k1 = words[1];
		/* the tables: SipHash of their positions, 64 bits for two entries */
		for (int i = 0; i < 8 * 256; i += 2)
		{
			uint64		bits = siphash13(&process_seed, (const unsigned char *) &i,
										 sizeof(i));

			keyed_hash_tables[i / 256][i % 256] = (uint32) bits;
			keyed_hash_tables[i / 256][i % 256 + 1] = (uint32) (bits >> 32);
		}
		process_seed_ready = true;
	}
	return &process_seed;
}

/*
 * A fresh key for one hash table: the SipHash of a counter under the
 * backend's key, which is unpredictable without that key and never repeats
 * within the backend.
 */
void
keyed_hash_new_seed(KeyedHashSeed *seed)
{
	const KeyedHashSeed *process = keyed_hash_process_seed();

	uint64		counter[2] = {2 * tables_seeded, 2 * tables_seeded + 1};

	seed->k0 = siphash13(process, (const unsigned char *) &counter[0], sizeof(uint64));
	seed->k1 = siphash13(process, (const unsigned char *) &counter[1], sizeof(uint64));
	tables_seeded++;
}
