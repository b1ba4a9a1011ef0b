// Facts: what a lesson step found out, for the inspectors to show.
//
// A lesson fills these from real reads (registers from KVM_GET_REGS, a mount
// table from /proc/self/mountinfo, ...). They are plain values so the engine
// needs no backend types and the views need no backends.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace strata::engine {

struct RegisterView {
    std::string title;  // "vCPU 0"
    std::vector<std::pair<std::string, std::uint64_t>> registers;  // in display order
};

// What the bytes of a MemoryView are, so the inspector reads them as that:
// instructions are disassembled, page-table entries decoded, and data is
// never shown as made-up instructions.
enum class MemoryKind { data, code, page_table };

struct MemoryView {
    std::string title;              // "guest code"
    std::uint64_t guest_physical = 0;
    std::uint64_t host_virtual = 0;
    std::vector<std::uint8_t> bytes;
    MemoryKind kind = MemoryKind::data;
};

struct TableView {
    std::string title;  // "namespaces: host vs container"
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
    std::vector<bool> row_marked;  // rows to emphasise (differences), may be empty
};

// More lines in a SeriesView's plot, drawn on the same axes.
struct SeriesLine {
    std::string name;  // "VMs"
    std::vector<std::pair<double, double>> points;
};

struct SeriesView {
    std::string title;  // "cpu throttled (ms)"
    std::string x_label, y_label;
    std::vector<std::pair<double, double>> points;
    std::string name = {};               // the first line's legend, when there are more
    std::vector<SeriesLine> more = {};   // further lines sharing the axes (density: containers vs VMs)
};

// A sample shown as a histogram (start times of N containers, say). The
// samples are kept as measured; views bin them (engine/histogram.hpp).
struct HistogramView {
    std::string title;  // "container start, clone3 to exit"
    std::string unit;   // "ms": the samples' unit
    std::vector<double> samples;
};

struct Facts {
    std::vector<RegisterView> registers;
    std::vector<MemoryView> memory;
    std::vector<TableView> tables;
    std::vector<SeriesView> series;
    std::vector<HistogramView> histograms;
    std::vector<std::pair<std::string, std::string>> values;  // "KVM API version" -> "12"

    void set_value(const std::string& key, std::string value);
    void set_registers(RegisterView view);  // replaces the view with the same title
    void set_table(TableView view);         // replaces the table with the same title
    void set_series(SeriesView view);       // replaces the series with the same title
    void set_histogram(HistogramView view); // replaces the histogram with the same title
};

}  // namespace strata::engine
