/*
 * Thread-specific data: keys, each naming one slot in every thread.
 *
 *   keys[k]             : in use?  destructor  generation  (key_lock)
 *   thread->specific[k] : value  generation     (the thread's own)
 *
 * At exit a thread calls each destructor on its non-NULL values (the
 * value is cleared first); a destructor that sets new values gets up to
 * PTHREAD_DESTRUCTOR_ITERATIONS passes, as POSIX asks. Deleting a key
 * does not run destructors (POSIX again). Creating a key bumps its
 * slot's generation, so values left over from a deleted key of the same
 * number read as NULL: a new key starts out NULL in every thread without
 * visiting them.
 */
#include <errno.h>

#include "internal.h"

struct key {
	int used;
	unsigned generation;
	void (*destructor)(void *);
};

static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
static struct key keys[PTHREAD_KEYS_MAX]; /* key_lock */

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
	pthread_mutex_lock(&key_lock);
	for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
		if (keys[k].used)
			continue;
		keys[k] = (struct key){1, keys[k].generation + 1, destructor};
		pthread_mutex_unlock(&key_lock);
		*key = k;
		return 0;
	}
	pthread_mutex_unlock(&key_lock);
	return EAGAIN;
}

int pthread_key_delete(pthread_key_t key)
{
	int r = 0;
	pthread_mutex_lock(&key_lock);
	if (key >= PTHREAD_KEYS_MAX || !keys[key].used)
		r = EINVAL;
	else
		keys[key].used = 0;
	pthread_mutex_unlock(&key_lock);
	return r;
}

void *pthread_getspecific(pthread_key_t key)
{
	if (key >= PTHREAD_KEYS_MAX)
		return NULL;
	struct specific *s = &pthread_self()->specific[key];
	return s->generation == keys[key].generation ? s->value : NULL;
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
	if (key >= PTHREAD_KEYS_MAX || !keys[key].used)
		return EINVAL;
	pthread_self()->specific[key] =
		(struct specific){(void *)value, keys[key].generation};
	return 0;
}

void run_key_destructors(struct pthread *self)
{
	for (int pass = 0; pass < PTHREAD_DESTRUCTOR_ITERATIONS; pass++) {
		int ran = 0;
		for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
			struct specific *s = &self->specific[k];
			void *value = s->value;
			void (*destructor)(void *) = keys[k].destructor;
			if (!value || !keys[k].used || !destructor ||
			    s->generation != keys[k].generation)
				continue;
			s->value = NULL;
			destructor(value);
			ran = 1;
		}
		if (!ran)
			return;
	}
}
