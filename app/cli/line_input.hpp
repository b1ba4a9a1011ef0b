// Reading what the learner types, in a way a stop request interrupts.
//
// A step-by-step prompt or an exercise question may wait for hours; SIGTERM
// or Ctrl-C must still end the run (and its clean-up) at once. A plain
// std::getline would sit in read(2), which SA_RESTART restarts, so the
// wait polls the input and engine::stop_fd() together.
#pragma once

#include <istream>
#include <optional>
#include <string>

namespace strata::cli {

// Makes standard input unbuffered, so that no typed line waits in stdio's
// buffer while poll(2) says the descriptor is empty. Call before the first
// read_line_unless_stopped(std::cin, ...).
void unbuffer_standard_input();

// One line from `in`; nothing at the end of the input or when strata was
// asked to stop. Only std::cin is waited on with the stop fd; other
// streams (tests' string streams) never block.
std::optional<std::string> read_line_unless_stopped(std::istream& in);

// One key from standard input when it is a terminal (no Enter needed: the
// terminal leaves canonical mode for the wait and is restored after; Ctrl-C
// still signals), else the first character of one line ('\n' for an empty
// one). Nothing at the end of the input or when strata was asked to stop.
std::optional<char> read_key_unless_stopped();

}  // namespace strata::cli
