// Checks the OpenGL the window got: strata renders with OpenGL 3.3 core
// (ImGui's "#version 330 core" shaders).
#pragma once

#include <optional>
#include <string>

namespace strata::platform {

constexpr int kGlMajor = 3;
constexpr int kGlMinor = 3;

// Parses "4.5 (Core Profile) Mesa 22.3.6" or "OpenGL ES 3.2 ..." into
// major/minor; nullopt when unreadable.
std::optional<std::pair<int, int>> parse_gl_version(const std::string& version);
// The current context's GL_VERSION and GL_RENDERER strings.
std::string current_gl_version();
std::string current_gl_renderer();
// Empty when the current context is new enough, else the message.
std::string gl_version_problem();
std::string gl_too_old_message(const std::string& found);

}  // namespace strata::platform
