mov $0x3f8, %dx
movb $0x41, %al; out %al, (%dx)
mov %rax, %rbx
hlt
