/*
 * The CPU-bound work of the pool demos (pool, pools, async): counting
 * primes by trial division, slow enough to be worth spreading over
 * workers, with known answers to check against (148,933 primes below
 * 2,000,000; 78,498 below 1,000,000).
 */
#ifndef USER_PRIMES_H
#define USER_PRIMES_H

static inline int is_prime(long n)
{
	if (n < 2)
		return 0;
	if (n % 2 == 0)
		return n == 2;
	for (long d = 3; d * d <= n; d += 2)
		if (n % d == 0)
			return 0;
	return 1;
}

/* The primes in [low, high). */
static inline long count_primes(long low, long high)
{
	long count = 0;
	for (long n = low; n < high; n++)
		count += is_prime(n);
	return count;
}

#endif
