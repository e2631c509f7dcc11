/*
 * A slab allocator with one page per slab.
 *
 *   page:  +-------------+-----+-----+-----+-- ... --+
 *          | struct slab | obj | obj | obj |         |
 *          +-------------+-----+-----+-----+-- ... --+
 *
 * The header says which size class the page serves and keeps a bitmap of
 * the objects handed out, so kfree can find the slab by rounding the pointer
 * down to its page, and can tell a double free (bit already clear) or a
 * pointer into the middle of an object from a good free — in every build,
 * at the cost of one bit per object. Free objects form a list threaded
 * through their first word. A slab that becomes entirely free goes back to
 * the page allocator, so kmalloc holds no memory it does not use.
 *
 * Larger requests take whole pages; they are page-aligned, which no slab
 * object ever is, and kfree finds their size in a short list.
 *
 * DEBUG builds also fill freed objects with POISON_FREE and check it is
 * intact when the object is handed out again: a write after free shows up.
 */
#include "mm/kmalloc.h"

#include <stdatomic.h>

#include "base/kernel.h"
#include "base/layout.h"
#include "freestanding/string.h"
#include "mm/pmm.h"
#include "sync/spinlock.h"

#define SLAB_MAGIC 0x51ab51ab
#define POISON_FREE 0x6b
#define NR_CLASSES 7 /* 16 << 0 .. 16 << 6 = 1024 */
#define MAX_OBJECTS (PAGE_SIZE / 16)

struct slab {
	uint32_t magic;
	uint16_t class_index;
	uint16_t nr_free;
	struct slab *next; /* in the class's list of slabs with free objects */
	struct slab *prev;
	void *free_list;
	uint64_t in_use[MAX_OBJECTS / 64]; /* bit per object handed out */
};

struct size_class {
	struct spinlock lock;
	size_t size;
	struct slab *partial; /* slabs with at least one free object (lock) */
};

struct large_alloc {
	void *addr;
	size_t pages;
	struct large_alloc *next;
};

#define SIZE_CLASS(n)                                                          \
	{                                                                      \
		SPINLOCK_INIT("kmalloc-" #n), n, NULL                          \
	}
static struct size_class classes[NR_CLASSES] = {
	SIZE_CLASS(16),	 SIZE_CLASS(32),  SIZE_CLASS(64),   SIZE_CLASS(128),
	SIZE_CLASS(256), SIZE_CLASS(512), SIZE_CLASS(1024),
};
static struct spinlock large_lock = SPINLOCK_INIT("kmalloc_large");
static struct large_alloc *large_list; /* large_lock */
static atomic_size_t bytes_in_use;

static size_t first_object_offset(size_t size)
{
	return ALIGN_UP(sizeof(struct slab), size);
}

static size_t objects_per_slab(size_t size)
{
	return (PAGE_SIZE - first_object_offset(size)) / size;
}

static unsigned class_for(size_t size)
{
	unsigned c = 0;
	while ((16ul << c) < size)
		c++;
	return c;
}

static void list_remove(struct size_class *sc, struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		sc->partial = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

static void list_push(struct size_class *sc, struct slab *s)
{
	s->prev = NULL;
	s->next = sc->partial;
	if (sc->partial)
		sc->partial->prev = s;
	sc->partial = s;
}

/* Caller holds sc->lock. */
static struct slab *slab_create(struct size_class *sc, unsigned class_index)
{
	uint64_t pa = pmm_alloc();
	if (!pa)
		return NULL;
	struct slab *s = phys_to_virt(pa);
	memset(s, 0, sizeof(*s));
	s->magic = SLAB_MAGIC;
	s->class_index = class_index;
	size_t n = objects_per_slab(sc->size);
	char *first = (char *)s + first_object_offset(sc->size);
	for (size_t i = n; i-- > 0;) {
		char *obj = first + i * sc->size;
#ifdef DEBUG
		memset(obj, POISON_FREE, sc->size);
#endif
		*(void **)obj = s->free_list;
		s->free_list = obj;
	}
	s->nr_free = n;
	list_push(sc, s);
	return s;
}

static size_t object_index(struct slab *s, size_t size, void *obj)
{
	return ((char *)obj - ((char *)s + first_object_offset(size))) / size;
}

#ifdef DEBUG
static void check_poison(void *obj, size_t size)
{
	const unsigned char *p = obj;
	for (size_t i = sizeof(void *); i < size; i++)
		if (p[i] != POISON_FREE)
			panic("kmalloc: object %p (size %zu) was written after "
			      "it was freed (byte %zu is 0x%02x)",
			      obj, size, i, p[i]);
}
#endif

static void *small_alloc(size_t size)
{
	unsigned c = class_for(size);
	struct size_class *sc = &classes[c];
	spin_lock(&sc->lock);
	struct slab *s = sc->partial ? sc->partial : slab_create(sc, c);
	if (!s) {
		spin_unlock(&sc->lock);
		return NULL;
	}
	void *obj = s->free_list;
	s->free_list = *(void **)obj;
	size_t i = object_index(s, sc->size, obj);
	s->in_use[i / 64] |= 1ul << (i % 64);
	if (--s->nr_free == 0)
		list_remove(sc, s);
	spin_unlock(&sc->lock);
#ifdef DEBUG
	check_poison(obj, sc->size);
#endif
	return obj;
}

/* Returns the size of the object freed. */
static size_t small_free(void *ptr)
{
	struct slab *s = (struct slab *)ALIGN_DOWN((uint64_t)ptr, PAGE_SIZE);
	if (s->magic != SLAB_MAGIC || s->class_index >= NR_CLASSES)
		panic("kfree(%p): not a pointer kmalloc returned", ptr);
	struct size_class *sc = &classes[s->class_index];
	size_t i = object_index(s, sc->size, ptr);
	char *expected =
		(char *)s + first_object_offset(sc->size) + i * sc->size;
	if ((char *)ptr != expected || i >= objects_per_slab(sc->size))
		panic("kfree(%p): points into the middle of a %zu-byte object",
		      ptr, sc->size);

	spin_lock(&sc->lock);
	if (!(s->in_use[i / 64] >> (i % 64) & 1)) {
		spin_unlock(&sc->lock);
		panic("kfree(%p): double free of a %zu-byte object", ptr,
		      sc->size);
	}
	s->in_use[i / 64] &= ~(1ul << (i % 64));
#ifdef DEBUG
	memset(ptr, POISON_FREE, sc->size);
#endif
	*(void **)ptr = s->free_list;
	s->free_list = ptr;
	if (s->nr_free++ == 0)
		list_push(sc, s);
	bool empty = s->nr_free == objects_per_slab(sc->size);
	if (empty) {
		list_remove(sc, s);
		s->magic = 0;
	}
	spin_unlock(&sc->lock);
	if (empty)
		pmm_free(virt_to_phys(s));
	return sc->size;
}

static void *large_alloc(size_t size)
{
	struct large_alloc *rec = small_alloc(sizeof(*rec));
	if (!rec)
		return NULL;
	size_t pages = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;
	uint64_t pa = pmm_alloc_contig(pages);
	if (!pa) {
		small_free(rec);
		return NULL;
	}
	*rec = (struct large_alloc){phys_to_virt(pa), pages, NULL};
	spin_lock(&large_lock);
	rec->next = large_list;
	large_list = rec;
	spin_unlock(&large_lock);
	return rec->addr;
}

/* Returns the number of bytes freed. */
static size_t large_free(void *ptr)
{
	spin_lock(&large_lock);
	struct large_alloc **link = &large_list;
	while (*link && (*link)->addr != ptr)
		link = &(*link)->next;
	struct large_alloc *rec = *link;
	if (rec)
		*link = rec->next;
	spin_unlock(&large_lock);
	if (!rec)
		panic("kfree(%p): not a live kmalloc allocation (double free?)",
		      ptr);
	size_t bytes = rec->pages * PAGE_SIZE;
	pmm_free_contig(virt_to_phys(ptr), rec->pages);
	small_free(rec);
	return bytes;
}

void *kmalloc(size_t size)
{
	if (size == 0)
		size = 1;
	if (size > pmm_total_pages() * PAGE_SIZE)
		return NULL;
	void *p = size <= KMALLOC_MAX_SMALL ? small_alloc(size)
					    : large_alloc(size);
	if (p)
		atomic_fetch_add_explicit(&bytes_in_use,
					  size <= KMALLOC_MAX_SMALL
						  ? 16ul << class_for(size)
						  : ALIGN_UP(size, PAGE_SIZE),
					  memory_order_relaxed);
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *ptr)
{
	if (!ptr)
		return;
	size_t bytes = (uint64_t)ptr % PAGE_SIZE == 0 ? large_free(ptr)
						      : small_free(ptr);
	atomic_fetch_sub_explicit(&bytes_in_use, bytes, memory_order_relaxed);
}

size_t kmalloc_bytes_in_use(void)
{
	return atomic_load(&bytes_in_use);
}
