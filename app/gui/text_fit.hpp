// Fitting a line of text into a width that may be too small for it: cut
// out of the middle ("mount(\"proc\", …, MS_NOSUID)"), so both the call's
// name and its last argument stay readable, with the whole text on hover.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace strata::gui {

// `text` unchanged when `width_of(text) <= max_width`; else its start and
// end around "…", as much of both as fits (never splitting a UTF-8
// character), or "…" alone when nothing else fits.
std::string elide_middle(std::string_view text, float max_width, const std::function<float(std::string_view)>& width_of);

// Draws `text` on one line in the room left on the current line (ImGui),
// cut in the middle when it does not fit; a cut text shows whole in a
// tooltip when hovered, unless `tooltip` is false (the caller shows its
// own). Returns true when it was cut.
bool fitted_text(std::string_view text, bool tooltip = true);

// ImGui::TextWrapped, wrapped a few pixels short of the panel's edge: a
// line's last glyph may reach past its advance (bold "w", italic "f") and
// ImGui wraps by advances, so its own wrapping can overrun the clip.
void text_wrapped(std::string_view text);
// The same in the muted (disabled) colour: ImGui::TextDisabled never
// wraps, and runs off a narrow panel.
void muted_wrapped(std::string_view text);

// ImGui::BeginChild for flowing text: its clip reaches two pixels past its
// content on either side (ImGui clips at half the padding), so a glyph
// that leans out of its advance (its quad, not its ink) is not cut.
// Call ImGui::EndChild() whatever it returns.
bool begin_text_child(const char* id, float height = 0);

}  // namespace strata::gui
