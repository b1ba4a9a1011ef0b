/*
 * vm/snapshot's workload (boot_info.workload = WORKLOAD_SNAPSHOT).
 *
 * Programs that run long enough to be paused in the middle, print progress
 * a restored copy must continue exactly, and write a *known* set of pages
 * of the shared data (USER_DATA, one 2 MiB page at guest-physical
 * DATA_PHYS) so strata can check KVM's dirty log against them. Every word
 * they write is word(page, round, index): strata recomputes the same
 * formula (backends/kvm/tinyos.hpp, workload_word) to check guest memory.
 *
 *   phase 0: ticker and writer, paused by vm/snapshot at writer's mark 1
 *   phase 1: dirtier, one mark per round of writes (marks 0x11-0x15)
 *   phase 2: hog, bursts of shrinking size (marks 0x21-0x26), migrated live
 */
#include "lib.h"

#define DATA ((volatile u64 *)0x2000000)
#define PAGE_WORDS 512
#define DATA_PAGES 512

static u64 word(u64 page, u64 round, u64 index) { return (round << 48) | (page << 16) | index; }

static void fill(u64 first, u64 pages, u64 round) {
    for (u64 p = first; p < first + pages; ++p)
        for (u64 i = 0; i < PAGE_WORDS; ++i) DATA[p * PAGE_WORDS + i] = word(p, round, i);
}

static u64 checksum(u64 first, u64 pages) {
    u64 sum = 0;
    for (u64 i = first * PAGE_WORDS; i < (first + pages) * PAGE_WORDS; ++i) sum += DATA[i];
    return sum;
}

/* A line built from pieces, written with one write(). Never given an
 * initializer: gcc may turn zeroing it into a call to memset, which is
 * kernel code that ring 3 may not even read. */
struct line {
    char text[120];
    u64 n;
};
static void put(struct line *l, const char *s) {
    while (*s && l->n < sizeof l->text - 1) l->text[l->n++] = *s++;
}
static void put_num(struct line *l, u64 v) {
    char digits[20];
    int d = 0;
    do digits[d++] = (char)('0' + v % 10); while ((v /= 10) && d < 20);
    while (d && l->n < sizeof l->text - 1) l->text[l->n++] = digits[--d];
}
static void say(struct line *l) {
    l->text[l->n++] = '\n';
    write(l->text, l->n);
}

/* Counts, slowly: after a restore its count must go on from where it was,
 * with no number repeated and none skipped. */
void prog_ticker(void) {
    for (u64 i = 1; i <= 24; ++i) {
        print_num("ticker: ", i);
        sleep_ms(10);
    }
    print("ticker: done\n");
    exit(0);
}

/* Eight rounds of eight pages each; vm/snapshot pauses the machine at the
 * mark after round 4, in the middle of the run. */
void prog_writer(void) {
    for (u64 round = 1; round <= 8; ++round) {
        const u64 first = (round - 1) * 8;
        fill(first, 8, round);
        struct line l;
        l.n = 0;
        put(&l, "writer: round "), put_num(&l, round), put(&l, " wrote pages "), put_num(&l, first), put(&l, "-"),
            put_num(&l, first + 7), say(&l);
        if (round == 4) mark(1, first, 8);
        sleep_ms(20);
    }
    print_num("writer: done, checksum ", checksum(0, 64));
    exit(0);
}

/* Rounds chosen to show what the dirty log counts: a whole page written;
 * the same pages written again (dirty again: the log says "since you last
 * asked"); those pages only read (not dirty); one byte per page (the whole
 * page is dirty); and a big round. The read-only round reads pages this
 * program has written: KVM has them mapped by then. A page KVM maps for
 * the first time while logging is on may be logged though only read, when
 * the host page behind it is already writable (KVM maps it writable and
 * cannot see a later write), as after KVM split a huge page for logging. */
void prog_dirtier(void) {
    static const struct {
        u64 first, pages, write_all;
    } rounds[] = {{64, 16, 1}, {64, 16, 1}, {64, 16, 0}, {80, 32, 0}, {128, 256, 1}};
    for (u64 r = 0; r < sizeof rounds / sizeof rounds[0]; ++r) {
        const u64 first = rounds[r].first, pages = rounds[r].pages;
        u64 written = pages;
        struct line l;
        l.n = 0;
        put(&l, "dirtier: round "), put_num(&l, r + 1);
        if (rounds[r].write_all) {
            fill(first, pages, 0x11 + r);
            put(&l, " wrote every byte of pages ");
        } else if (r == 2) {
            volatile u64 sum = checksum(first, pages); /* reads only */
            (void)sum;
            written = 0;
            put(&l, " only read pages ");
        } else {
            for (u64 p = first; p < first + pages; ++p) ((volatile char *)DATA)[p * 4096 + 100] = (char)(p + 1);
            put(&l, " wrote one byte in each of pages ");
        }
        put_num(&l, first), put(&l, "-"), put_num(&l, first + pages - 1), say(&l);
        mark(0x11 + r, first, written);
    }
    print("dirtier: done\n");
    exit(0);
}

/* A busy program whose writes shrink burst by burst, like one settling
 * into its working set: live migration's pre-copy converges on it. */
void prog_hog(void) {
    static const u64 sizes[] = {384, 128, 32, 8, 2, 1};
    u64 first = 0;
    for (u64 b = 0; b < sizeof sizes / sizeof sizes[0]; ++b) {
        fill(first, sizes[b], 0x21 + b);
        struct line l;
        l.n = 0;
        put(&l, "hog: burst "), put_num(&l, b + 1), put(&l, " wrote "), put_num(&l, sizes[b]), put(&l, " pages"),
            say(&l);
        mark(0x21 + b, first, sizes[b]);
        first = (first + sizes[b]) % DATA_PAGES;
        sleep_ms(10);
    }
    print_num("hog: done, checksum ", checksum(0, DATA_PAGES));
    exit(0);
}
