#include "app/gui/settings.hpp"

#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

namespace strata::gui {

std::filesystem::path config_dir() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return std::filesystem::path(xdg) / "strata";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".config" / "strata";
    return {};
}

std::filesystem::path settings_file(const std::filesystem::path& dir) { return dir / "settings.json"; }
std::filesystem::path imgui_ini_file(const std::filesystem::path& dir) { return dir / "imgui.ini"; }

Settings load_settings(const std::filesystem::path& dir) {
    Settings s;
    if (dir.empty()) return s;
    std::ifstream in(settings_file(dir));
    if (!in) return s;
    const auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return s;
    auto get_from = [](const nlohmann::json& object, const char* key, auto& out) {
        using T = std::decay_t<decltype(out)>;
        if (!object.is_object()) return;
        if (auto it = object.find(key); it != object.end()) {
            try {
                out = it->template get<T>();
            } catch (const nlohmann::json::exception&) {  // wrong type: keep the default
            }
        }
    };
    auto get = [&](const char* key, auto& out) { get_from(j, key, out); };
    get("theme", s.theme);
    get("font_scale", s.font_scale);
    get("window_width", s.window_width);
    get("window_height", s.window_height);
    get("autoplay_steps_per_second", s.autoplay_steps_per_second);
    get("last_lesson", s.legacy_last_lesson);
    get("steps_completed", s.legacy_steps_completed);
    if (auto panels = j.find("panels"); panels != j.end()) {
        get_from(*panels, "navigator", s.panels.navigator);
        get_from(*panels, "right", s.panels.right);
        get_from(*panels, "diagram", s.panels.diagram);
        get_from(*panels, "narrative", s.panels.narrative);
        s.panels = s.panels.clamped();
    }
    if (auto demo = j.find("demo"); demo != j.end()) {
        get_from(*demo, "theme", s.demo.theme);
        get_from(*demo, "font_scale", s.demo.font_scale);
        get_from(*demo, "fullscreen", s.demo.fullscreen);
        get_from(*demo, "notes", s.demo.notes);
    }
    return s;
}

bool save_settings(const std::filesystem::path& dir, const Settings& s) {
    if (dir.empty()) return false;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return false;
    const nlohmann::json j = {
        {"theme", s.theme},
        {"font_scale", s.font_scale},
        {"window_width", s.window_width},
        {"window_height", s.window_height},
        {"autoplay_steps_per_second", s.autoplay_steps_per_second},
        {"panels",
         {{"navigator", s.panels.navigator},
          {"right", s.panels.right},
          {"diagram", s.panels.diagram},
          {"narrative", s.panels.narrative}}},
        {"demo",
         {{"theme", s.demo.theme},
          {"font_scale", s.demo.font_scale},
          {"fullscreen", s.demo.fullscreen},
          {"notes", s.demo.notes}}},
    };
    // Write then rename, so a crash never leaves half a file.
    const auto tmp = settings_file(dir).string() + ".tmp";
    {
        std::ofstream out(tmp);
        if (!out) return false;
        out << j.dump(2) << '\n';
        if (!out) return false;
    }
    std::filesystem::rename(tmp, settings_file(dir), ec);
    return !ec;
}

}  // namespace strata::gui
