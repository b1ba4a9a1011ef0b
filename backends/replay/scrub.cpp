#include "backends/replay/scrub.hpp"

#include <algorithm>
#include <cctype>

namespace strata::replay {

namespace {

// Characters that continue a name or a path: a secret next to one of these
// is part of something longer and stays.
bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
}

}  // namespace

void Scrubber::add(Secret secret) {
    while (secret.path && secret.text.size() > 1 && secret.text.back() == '/') secret.text.pop_back();
    if (secret.text.empty()) return;
    for (const auto& s : secrets_)
        if (s.text == secret.text) return;
    secrets_.push_back(std::move(secret));
    std::stable_sort(secrets_.begin(), secrets_.end(),
                     [](const Secret& a, const Secret& b) { return a.text.size() > b.text.size(); });
}

void Scrubber::add_path(std::string path, std::string placeholder) {
    // "/" alone would turn every path into nonsense.
    if (path.size() < 2 || path.front() != '/') return;
    add({std::move(path), std::move(placeholder), true});
}

void Scrubber::add_word(std::string word, std::string placeholder) { add({std::move(word), std::move(placeholder), false}); }

std::string Scrubber::apply(std::string_view text) const {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const Secret* hit = nullptr;
        // One pass, longest secret first: a placeholder already written is
        // never matched again.
        const bool starts_word = i == 0 || (!name_char(text[i - 1]) && text[i - 1] != '/');
        if (starts_word)
            for (const auto& s : secrets_) {
                if (text.compare(i, s.text.size(), s.text) != 0) continue;
                const std::size_t end = i + s.text.size();
                const bool ends_word = end == text.size() || (!name_char(text[end]) && (s.path || text[end] != '/'));
                if (ends_word) {
                    hit = &s;
                    break;
                }
            }
        if (hit) {
            out += hit->placeholder;
            i += hit->text.size();
        } else {
            out += text[i++];
        }
    }
    return out;
}

void Scrubber::apply(Recording& r) const {
    if (secrets_.empty()) return;
    auto fix = [this](std::string& s) { s = apply(s); };
    for (auto& e : r.events) {
        fix(e.name);
        fix(e.detail);
        for (auto& a : e.args) fix(a.value);
    }
    for (auto& step : r.steps) {
        fix(step.summary);
        fix(step.console);
        if (step.error) {
            fix(step.error->operation);
            fix(step.error->message);
            fix(step.error->hint);
        }
        auto& facts = step.facts;
        for (auto& [key, value] : facts.values) {
            fix(key);
            fix(value);
        }
        for (auto& table : facts.tables) {
            fix(table.title);
            for (auto& column : table.columns) fix(column);
            for (auto& row : table.rows)
                for (auto& cell : row) fix(cell);
        }
        for (auto& series : facts.series) fix(series.title);
        for (auto& registers : facts.registers) fix(registers.title);
        for (auto& memory : facts.memory) fix(memory.title);
    }
}

}  // namespace strata::replay
