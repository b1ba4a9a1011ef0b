/* The few C library functions the kernel uses (and that gcc may call for
 * struct copies even in freestanding code). */
#include "kernel.h"

void *memset(void *d, int c, u64 n) {
    u8 *p = d;
    while (n--) *p++ = (u8)c;
    return d;
}

void *memcpy(void *d, const void *s, u64 n) {
    u8 *p = d;
    const u8 *q = s;
    while (n--) *p++ = *q++;
    return d;
}

u64 strlen(const char *s) {
    u64 n = 0;
    while (s[n]) ++n;
    return n;
}
