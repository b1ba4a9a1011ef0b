// The window-wide text audit, on frames drawn to clip, overlap and hide text.
#include <catch2/catch.hpp>

#include "app/gui/draw_audit.hpp"
#include "tests/gui/headless.hpp"

using namespace strata;

namespace {

gui::DrawAudit audit_last_frame(ImU32 clear) {
    const ImDrawData* data = ImGui::GetDrawData();
    REQUIRE(data);
    return gui::audit_text(gui::text_lines(*data, ImGui::GetIO().Fonts->TexID, clear, ImGui::GetFontSize()));
}

constexpr ImU32 kBlack = IM_COL32(0, 0, 0, 255);

}  // namespace

TEST_CASE("The text audit counts lines, and finds nothing wrong with text that fits", "[gui][audit]") {
    tests::HeadlessImGui imgui;
    imgui.frame([] {
        ImGui::TextUnformatted("first line");
        ImGui::TextUnformatted("second line");
    });
    const auto audit = audit_last_frame(kBlack);
    CHECK(audit.lines == 2);
    CHECK(audit.clipped_sideways == 0);
    CHECK(audit.overlapping == 0);
    CHECK(audit.lowest_contrast > 4.5);
}

TEST_CASE("The text audit finds a line cut by its panel's edge", "[gui][audit]") {
    tests::HeadlessImGui imgui;
    imgui.frame([] {
        ImGui::BeginChild("narrow", ImVec2(60, 100));
        ImGui::TextUnformatted("a line far too long for this panel");
        ImGui::EndChild();
    });
    const auto audit = audit_last_frame(kBlack);
    CHECK(audit.clipped_sideways == 1);
}

TEST_CASE("The text audit finds two texts drawn over each other", "[gui][audit]") {
    tests::HeadlessImGui imgui;
    imgui.frame([] {
        const ImVec2 at = ImGui::GetCursorPos();
        ImGui::TextUnformatted("one text here");
        ImGui::SetCursorPos(ImVec2(at.x + 8, at.y + 2));
        ImGui::TextUnformatted("another on top");
    });
    const auto audit = audit_last_frame(kBlack);
    for (const auto& f : audit.findings) UNSCOPED_INFO(f);
    CHECK(audit.lines == 2);
    CHECK(audit.overlapping == 1);
}

TEST_CASE("The text audit measures contrast against what is drawn under the text", "[gui][audit]") {
    tests::HeadlessImGui imgui;
    imgui.frame([] {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const ImVec2 at = ImGui::GetCursorScreenPos();
        dl->AddRectFilled(at, ImVec2(at.x + 300, at.y + 40), IM_COL32(90, 90, 90, 255));
        dl->AddText(ImVec2(at.x + 4, at.y + 4), IM_COL32(110, 110, 110, 255), "grey on grey");
    });
    const auto audit = audit_last_frame(kBlack);
    CHECK(audit.lowest_contrast < 1.5);
}

TEST_CASE("A line half scrolled out of a panel that scrolls is scrolling, one squeezed where nothing scrolls is cut",
          "[gui][audit]") {
    tests::HeadlessImGui imgui;
    auto scrolled_list = [] {
        ImGui::BeginChild("list", ImVec2(200, 50));
        for (int i = 0; i < 20; ++i) ImGui::Text("line %d", i);
        ImGui::SetScrollY(ImGui::GetTextLineHeightWithSpacing() * 3.5f);  // half a line at the top
        ImGui::EndChild();
    };
    imgui.frame(scrolled_list);  // ImGui knows how far a window scrolls from the frame before
    imgui.frame(scrolled_list);
    auto audit = audit_last_frame(kBlack);
    CHECK(audit.scrolled_out >= 1);
    CHECK(audit.clipped_vertically == 0);

    imgui.frame([] {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const ImVec2 at = ImGui::GetCursorScreenPos();
        dl->PushClipRect(at, ImVec2(at.x + 300, at.y + ImGui::GetFontSize() * 0.5f), true);
        dl->AddText(ImVec2(at.x + 4, at.y), IM_COL32(255, 255, 255, 255), "only its top half shows");
        dl->PopClipRect();
    });
    audit = audit_last_frame(kBlack);
    CHECK(audit.clipped_vertically == 1);
    CHECK(audit.scrolled_out == 0);
    REQUIRE_FALSE(audit.findings.empty());
    CHECK_THAT(audit.findings.front(), Catch::Contains("cut at the top or bottom"));
}

TEST_CASE("The text audit names each line under 4.5:1 with its ratio", "[gui][audit]") {
    tests::HeadlessImGui imgui;
    imgui.frame([] {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const ImVec2 at = ImGui::GetCursorScreenPos();
        dl->AddText(at, IM_COL32(90, 90, 90, 255), "dim grey on black");
    });
    const auto audit = audit_last_frame(kBlack);
    REQUIRE(audit.findings.size() == 1);
    CHECK_THAT(audit.findings.front(), Catch::Contains("under 4.5:1"));
}
