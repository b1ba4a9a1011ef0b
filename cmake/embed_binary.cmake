# strata_embed_binary(TARGET FILE SYMBOL)
#
# Puts FILE's bytes into TARGET's read-only data between the symbols
# SYMBOL_start and SYMBOL_end, which C++ declares as byte arrays:
# `extern "C" const std::uint8_t SYMBOL_start[], SYMBOL_end[];`. The bytes
# go in with the assembler's .incbin, so a file of any size costs no
# compile time, and TARGET is rebuilt when FILE changes. How strata carries
# its guest programs and how the KVM test binary carries the VM track's
# lessons and recordings into a VM without the source tree.
function(strata_embed_binary target file symbol)
  set(asm ${CMAKE_CURRENT_BINARY_DIR}/embed/${symbol}.S)
  # 16-byte aligned, as malloc would place it: the bytes may be read as any
  # type, and a guest image is copied faster from an aligned start.
  file(CONFIGURE OUTPUT ${asm} CONTENT [[
    .section .rodata
    .global @symbol@_start
    .global @symbol@_end
    .balign 16
@symbol@_start:
    .incbin "@file@"
@symbol@_end:
    .section .note.GNU-stack,"",@progbits
]] @ONLY)
  set_source_files_properties(${asm} PROPERTIES OBJECT_DEPENDS ${file})
  target_sources(${target} PRIVATE ${asm})
endfunction()
