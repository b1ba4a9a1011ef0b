/*
 * Telling strata what happened inside, cheaply.
 *
 * strata cannot see inside the guest: a syscall, a page fault or a
 * context switch never leaves it. So the kernel writes a small record per
 * event into a ring in shared memory (guest-physical TRACE_RING, which
 * strata also maps) and, only now and then, rings a doorbell: one OUT to
 * port 0x510, one VM exit, and strata takes every record at once.
 *
 * Ring layout (strata's side: backends/kvm/guest_trace.hpp):
 *   +0   u32 magic     "TRCE"
 *   +4   u32 produced  records written so far (free-running)
 *   +8   u32 consumed  records strata has taken (strata writes this)
 *   +12  u32 capacity  records in the ring
 *   +64  records of 16 bytes: u8 kind, u8 pid, u16 0, u32 a, u64 b
 */
#include "kernel.h"

#define TRACE_MAGIC 0x45435254 /* "TRCE" */
#define CAPACITY 252           /* (4096 - 64) / 16 */

struct record {
    u8 kind, pid;
    u16 zero;
    u32 a;
    u64 b;
};

struct ring {
    u32 magic;
    volatile u32 produced, consumed;
    u32 capacity;
    u8 pad[48];
    struct record records[CAPACITY];
};

static struct ring *const ring = (struct ring *)TRACE_RING;
static int eager;

void trace_flush(void) {
    if (ring->produced != ring->consumed) outb(TRACE_DOORBELL, 1);
}

void trace_eager(int on) { eager = on; }

void trace(int kind, int pid, u32 a, u64 b) {
    if (ring->magic != TRACE_MAGIC) { /* first use */
        ring->capacity = CAPACITY;
        ring->magic = TRACE_MAGIC;
    }
    if (ring->produced - ring->consumed >= CAPACITY) trace_flush(); /* full: strata empties it */
    ring->records[ring->produced % CAPACITY] = (struct record){(u8)kind, (u8)pid, 0, a, b};
    ring->produced = ring->produced + 1;
    /* Batched: one exit per half ring, unless a lesson step wants to see
     * each event at the moment it happens. */
    if (eager || ring->produced - ring->consumed >= CAPACITY / 2) trace_flush();
}
