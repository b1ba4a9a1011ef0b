/*
 * A runaway guest: interrupts off, an endless loop, no exits. Without a
 * watchdog, KVM_RUN would never return. Used by tests and by the lesson's
 * "what if the guest never exits?" exercise.
 */
    .code16
    .text
    .global start
start:
    cli
spin:
    jmp     spin
