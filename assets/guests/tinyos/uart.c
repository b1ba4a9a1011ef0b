/*
 * The console: a driver for the 16550 UART at COM1 (port 0x3f8).
 *
 * strata emulates this chip in the VMM (backends/kvm/uart16550.cpp), so
 * every IN and OUT below is a VM exit: the vCPU stops, KVM returns to
 * strata, strata's UART model handles the access, and the vCPU goes on.
 * Printing one character costs two exits (poll the line status, write
 * the byte). That is why real guests prefer paravirtual consoles.
 */
#include "kernel.h"

#define COM1 0x3f8
enum { THR = 0, IER = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5 };

void uart_init(void) {
    outb(COM1 + IER, 0x00);  /* no UART interrupts: we poll          */
    outb(COM1 + LCR, 0x80);  /* DLAB on: the next two set the divisor */
    outb(COM1 + 0, 1);       /* 115200 / 1 = 115200 baud              */
    outb(COM1 + 1, 0);
    outb(COM1 + LCR, 0x03);  /* 8 data bits, no parity, 1 stop bit   */
    outb(COM1 + FCR, 0xc7);  /* FIFOs on and cleared                  */
    outb(COM1 + MCR, 0x03);  /* DTR, RTS                              */
    trace(TR_BOOT, 0, SETUP_UART, 0);
}

void uart_putc(char c) {
    while (!(inb(COM1 + LSR) & 0x20)) {  /* wait for THR empty */
    }
    outb(COM1 + THR, (u8)c);
}

void kprint(const char *s) {
    while (*s) uart_putc(*s++);
}

void kprint_hex(u64 v) {
    char buf[19] = "0x";
    int n = 2;
    for (int shift = 60; shift >= 0; shift -= 4) {
        int digit = (v >> shift) & 0xf;
        if (digit || n > 2 || shift == 0) buf[n++] = "0123456789abcdef"[digit];
    }
    buf[n] = 0;
    kprint(buf);
}

void kprint_dec(u64 v) {
    char buf[21];
    int n = 20;
    buf[n] = 0;
    do {
        buf[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    kprint(buf + n);
}
