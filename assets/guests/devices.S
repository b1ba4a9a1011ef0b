/*
 * The guest of vm/devices-are-exits: 16-bit real-mode code that talks to
 * every kind of device the VMM offers, stopping at a checkpoint (an OUT to
 * port 0x501) after each part so the lesson can show what happened.
 *
 *   1. A 16550 UART driver: program the line (divisor latch, 8N1, FIFOs,
 *      modem control) and print a line, polling LSR before each byte.
 *      Every IN and OUT is a VM exit.
 *   2. MMIO: segment 0xa000 is the page at 0xa0000, where a PC has its VGA
 *      window and this VM has no RAM. Loads and stores there exit to the
 *      VMM, which answers them (an identification register, a scratch
 *      register that reads back what was written).
 *   3. A read-only slot at 0xf0000, where a PC has its BIOS ROM: reading
 *      is plain memory (no exit); a write exits and is discarded.
 *   4. 200 OUTs to port 0x503, which nothing claims: the lesson times them
 *      to measure what one exit costs.
 *   5. The same line again through a paravirtual console: the bytes go into
 *      a ring in RAM at 0x7000, then one OUT to the doorbell port 0x502.
 *
 * Results the VMM checks are stored at 0x600..0x60f. Linked at 0x1000, CS = 0.
 */
    .code16
    .text
    .global start

    .set UART, 0x3f8
    .set CHECKPOINT, 0x501
    .set DOORBELL, 0x502
    .set NULL_PORT, 0x503
    .set RING, 0x7000           /* produced @+0, consumed @+4, data @+64 */
    .set RING_MASK, 2047

.macro outb_to port, value
    mov     $\port, %dx
    mov     $\value, %al
    out     %al, (%dx)
.endm

start:
    cli
    /* 1. The UART, set up as a real driver does it. */
    outb_to UART+3, 0x80        /* LCR: DLAB on, to reach the divisor   */
    outb_to UART+0, 0x01        /* DLL: divisor 1 = 115200 baud         */
    outb_to UART+1, 0x00        /* DLM                                   */
    outb_to UART+3, 0x03        /* LCR: 8 data bits, no parity, 1 stop  */
    outb_to UART+2, 0xc7        /* FCR: FIFOs on and cleared            */
    outb_to UART+4, 0x0b        /* MCR: DTR, RTS, OUT2                  */
    outb_to UART+1, 0x00        /* IER: no interrupts, we poll          */
    mov     $message, %si
    call    uart_puts
    outb_to CHECKPOINT, 1

    /* 2. MMIO: an address with no RAM behind it. */
    mov     $0xa000, %ax
    mov     %ax, %es
    mov     %es:0, %ebx         /* identification register: exit       */
    movl    $0x5354524b, %es:8  /* scratch register write: exit        */
    mov     %es:8, %ecx         /* and read it back: exit              */
    mov     %ebx, 0x600
    mov     %ecx, 0x604
    outb_to CHECKPOINT, 2

    /* 3. The read-only slot: reads are memory, writes exit. */
    mov     $0xf000, %ax
    mov     %ax, %es
    mov     %es:0, %eax         /* no exit: this is RAM to a reader    */
    mov     %eax, 0x608
    movl    $0x21212121, %es:0  /* exit: KVM_EXIT_MMIO, is_write = 1   */
    mov     %es:0, %eax         /* still the ROM's bytes               */
    mov     %eax, 0x60c
    outb_to CHECKPOINT, 3

    /* 4. 200 exits in a row, to time one. */
    mov     $NULL_PORT, %dx
    mov     $200, %cx
1:  out     %al, (%dx)
    loop    1b
    outb_to CHECKPOINT, 4

    /* 5. The paravirtual console: fill the ring, ring the bell once. */
    mov     $message, %si
    mov     RING, %di           /* produced so far                     */
2:  lodsb
    test    %al, %al
    jz      3f
    mov     %di, %bx
    and     $RING_MASK, %bx
    mov     %al, RING+64(%bx)
    inc     %di
    jmp     2b
3:  mov     %di, RING           /* publish: produced += length         */
    outb_to DOORBELL, 1         /* one exit for the whole line         */
    hlt
    jmp     3b

/* Print the zero-terminated string at DS:SI through the UART. */
uart_puts:
    lodsb
    test    %al, %al
    jz      9f
    mov     %al, %ah
    mov     $UART+5, %dx
4:  in      (%dx), %al          /* LSR: exit                            */
    test    $0x20, %al          /* THR empty?                           */
    jz      4b
    mov     %ah, %al
    mov     $UART, %dx
    out     %al, (%dx)          /* THR: exit                            */
    jmp     uart_puts
9:  ret

message:
    .asciz  "Hello through a 16550 UART!\n"
