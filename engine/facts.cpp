#include "engine/facts.hpp"

namespace strata::engine {

namespace {
template <class View>
void replace_by_title(std::vector<View>& views, View view) {
    for (auto& existing : views)
        if (existing.title == view.title) {
            existing = std::move(view);
            return;
        }
    views.push_back(std::move(view));
}
}  // namespace

void Facts::set_value(const std::string& key, std::string value) {
    for (auto& [k, v] : values)
        if (k == key) {
            v = std::move(value);
            return;
        }
    values.emplace_back(key, std::move(value));
}

void Facts::set_registers(RegisterView view) { replace_by_title(registers, std::move(view)); }
void Facts::set_table(TableView view) { replace_by_title(tables, std::move(view)); }
void Facts::set_series(SeriesView view) { replace_by_title(series, std::move(view)); }
void Facts::set_histogram(HistogramView view) { replace_by_title(histograms, std::move(view)); }

}  // namespace strata::engine
