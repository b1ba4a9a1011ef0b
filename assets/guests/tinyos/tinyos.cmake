# tinyos: strata's own guest OS, built from source at build time with the
# project's C compiler as a freestanding program (no libc, no PIC, no red
# zone, no SSE in the kernel), linked with tinyos.ld and flattened with
# objcopy into the image the VMM loads at 1 MiB. Then embedded like the
# other guests, as strata::guests::tinyos() (images.hpp).
#
# The project's global compile options (warnings sets, sanitizers) must
# not reach a kernel, so the compiler is called directly.
set(tinyos_src ${CMAKE_CURRENT_SOURCE_DIR}/tinyos)
set(tinyos_out ${CMAKE_CURRENT_BINARY_DIR}/tinyos)
set(tinyos_flags -ffreestanding -nostdlib -fno-pic -mno-red-zone -mgeneral-regs-only -O2
    -fno-asynchronous-unwind-tables -fno-stack-protector -fcf-protection=none -fno-builtin
    -fno-tree-loop-distribute-patterns -Wall -Wextra)
# Kernel objects k_*.o, user objects u_*.o: tinyos.ld tells them apart by name.
set(tinyos_sources k_boot:boot.S k_entry:entry.S k_cpu:cpu.c k_lib:lib.c k_uart:uart.c k_trace:trace.c
    k_paging:paging.c k_proc:proc.c k_trap:trap.c k_syscall:syscall.c k_main:main.c u_programs:user/programs.c
    u_workload:user/workload.c)
file(GLOB tinyos_headers ${tinyos_src}/*.h ${tinyos_src}/user/*.h)
set(tinyos_objects "")
foreach(pair IN LISTS tinyos_sources)
  string(REPLACE ":" ";" pair ${pair})
  list(GET pair 0 object)
  list(GET pair 1 source)
  set(out ${tinyos_out}/${object}.o)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${tinyos_out}
    COMMAND ${CMAKE_C_COMPILER} ${tinyos_flags} -c ${tinyos_src}/${source} -o ${out}
    DEPENDS ${tinyos_src}/${source} ${tinyos_headers}
    COMMENT "tinyos: compiling ${source}"
    VERBATIM)
  list(APPEND tinyos_objects ${out})
endforeach()

set(tinyos_bin ${CMAKE_CURRENT_BINARY_DIR}/tinyos.bin)
add_custom_command(
  OUTPUT ${tinyos_bin}
  COMMAND ${CMAKE_LINKER} -m elf_x86_64 -z noexecstack --no-warn-rwx-segments -T ${tinyos_src}/tinyos.ld
          -o ${tinyos_out}/tinyos.elf ${tinyos_objects}
  COMMAND ${CMAKE_OBJCOPY} -O binary ${tinyos_out}/tinyos.elf ${tinyos_bin}
  DEPENDS ${tinyos_objects} ${tinyos_src}/tinyos.ld
  COMMENT "tinyos: linking the kernel and its programs into a flat image"
  VERBATIM)

# Linked by tinyos.ld at guests::tinyos_load_address.
strata_guest_image(tinyos ${tinyos_bin} 0x100000)
