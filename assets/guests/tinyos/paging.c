/*
 * tinyos's own page tables.
 *
 * Every process has its own address space (its own PML4, loaded into CR3
 * when it runs). All of them share the kernel's part: guest-physical
 * 0-4 MiB mapped 1:1 with two 2 MiB pages *without* the U bit, so ring 3
 * cannot touch the kernel. The user part is:
 *
 *   USER_TEXT        the programs' code (user/programs.c), read-only, U
 *   below USER_STACK_TOP, and USER_HEAP..USER_HEAP_END:
 *                    nothing at first. The first touch faults (#PF), and
 *                    the kernel maps a fresh zeroed page and retries the
 *                    instruction: demand paging. KVM never hears of it.
 *
 * Pages come from a bump allocator over POOL_START..POOL_END: tinyos runs
 * a handful of short programs, so it never frees. Nor does it clear them:
 * the pool is fresh RAM from strata, all zeros, and never reused.
 */
#include "kernel.h"

#define PTE_PS 0x80UL
#define ADDR(e) ((e) & 0x000ffffffffff000UL)

extern char __user_lma[], __user_size[];
static u64 next_page = POOL_START;
static u64 *kernel_pml4;

u64 page_alloc(void) {
    if (next_page >= POOL_END) return 0;
    u64 pa = next_page;
    next_page += 4096;
    return pa;
}

/* The entry for `va` in the last-level table (creating the tables on the
 * way if `create`), or 0. */
static u64 *pte_of(u64 *pml4, u64 va, int create) {
    u64 *table = pml4;
    for (int shift = 39; shift > 12; shift -= 9) {
        u64 *e = &table[(va >> shift) & 0x1ff];
        if (*e & PTE_PS) return 0; /* a kernel 2 MiB page: not ours to split */
        if (!(*e & PTE_P)) {
            if (!create) return 0;
            u64 pa = page_alloc();
            if (!pa) return 0;
            *e = pa | PTE_P | PTE_W | PTE_U; /* leaf entries decide the access */
        }
        table = (u64 *)ADDR(*e);
    }
    return &table[(va >> 12) & 0x1ff];
}

int map_page(u64 *pml4, u64 va, u64 pa, u64 flags) {
    u64 *e = pte_of(pml4, va, 1);
    if (!e) return -1;
    *e = pa | flags;
    __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
    return 0;
}

u64 *address_space_new(void) {
    u64 *pml4 = (u64 *)page_alloc(), *pdpt = (u64 *)page_alloc(), *pd = (u64 *)page_alloc();
    if (!pml4 || !pdpt || !pd) return 0;
    pml4[0] = (u64)pdpt | PTE_P | PTE_W | PTE_U;
    pdpt[0] = (u64)pd | PTE_P | PTE_W | PTE_U;
    pd[0] = 0x000000 | PTE_P | PTE_W | PTE_PS; /* the kernel: no PTE_U */
    pd[1] = 0x200000 | PTE_P | PTE_W | PTE_PS;
    u64 size = (u64)__user_size;
    for (u64 off = 0; off < size; off += 4096)
        if (map_page(pml4, USER_TEXT + off, (u64)__user_lma + off, PTE_P | PTE_U)) return 0;
    return pml4;
}

/* The snapshot workload's shared data (kernel.h): a single 2 MiB page in
 * the process's page directory, writable from ring 3. No page faults and
 * no kernel work when a program writes it: only the program's own stores,
 * which is what KVM's dirty log should then show. */
void map_shared_data(u64 *pml4) {
    u64 *pdpt = (u64 *)ADDR(pml4[0]), *pd = (u64 *)ADDR(pdpt[0]);
    pd[(USER_DATA >> 21) & 0x1ff] = DATA_PHYS | PTE_P | PTE_W | PTE_U | PTE_PS;
}

void paging_init(void) {
    kernel_pml4 = address_space_new(); /* the idle loop runs on this one */
    __asm__ volatile("mov %0, %%cr3" ::"r"(kernel_pml4) : "memory");
    trace(TR_BOOT, 0, SETUP_PAGING, 0);
}

u64 *kernel_space(void) { return kernel_pml4; }

static int demand_pageable(u64 va) {
    return (va >= USER_STACK_TOP - USER_STACK_PAGES * 4096 && va < USER_STACK_TOP) ||
           (va >= USER_HEAP && va < USER_HEAP_END);
}

/* A page fault from ring 3. Error code bit 0: the page was present (so
 * this is a protection violation, e.g. writing code or touching the
 * kernel). Returns 0 when the page is now mapped and the program may
 * retry, -1 when the program must die. */
int handle_user_fault(u64 *pml4, u64 va, u64 error) {
    if ((error & 1) || !demand_pageable(va)) return -1;
    u64 pa = page_alloc();
    if (!pa) return -1;
    return map_page(pml4, va & ~0xfffUL, pa, PTE_P | PTE_W | PTE_U);
}

/* Copies between kernel and user memory, page by page, checking every
 * page as the CPU would for ring 3 (and mapping stack/heap pages on
 * demand): a pointer from a program is never trusted. */
static u8 *user_byte(u64 *pml4, u64 va, int write) {
    u64 *e = pte_of(pml4, va, 0);
    if (!e || !(*e & PTE_P)) {
        if (!demand_pageable(va) || handle_user_fault(pml4, va, 0)) return 0;
        e = pte_of(pml4, va, 0);
    }
    if (!(*e & PTE_U) || (write && !(*e & PTE_W))) return 0;
    return (u8 *)(ADDR(*e) + (va & 0xfff));
}

int copy_user(u64 *pml4, void *kernel, u64 va, u64 len, int to_user) {
    if (va + len < va || va < USER_TEXT || va + len > USER_HEAP_END) return -1;
    u8 *k = kernel;
    while (len) {
        u64 chunk = 4096 - (va & 0xfff);
        if (chunk > len) chunk = len;
        u8 *u = user_byte(pml4, va, to_user);
        if (!u) return -1;
        if (to_user) memcpy(u, k, chunk);
        else memcpy(k, u, chunk);
        k += chunk, va += chunk, len -= chunk;
    }
    return 0;
}
