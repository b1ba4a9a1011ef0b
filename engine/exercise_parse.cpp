#include "engine/exercise_parse.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "engine/exercise_check.hpp"
#include "engine/front_matter.hpp"
#include "engine/lesson_markdown.hpp"

namespace strata::engine {

namespace {

using Keys = std::initializer_list<std::string_view>;

const std::set<std::string_view> kConditionKeys = {"all", "any", "not", "event", "count", "fact", "console", "step"};
const std::set<std::string_view> kStepStatuses = {"done", "failed", "cancelled", "pending", "ran"};
const std::set<std::string> kBooleanWords = {"y", "n", "yes", "no", "on", "off", "true", "false"};

bool known_errno(const std::string& name) {
    if (name == "any" || name == "none") return true;
    for (int e = 1; e < 200; ++e)
        if (errno_name(e) == name) return true;
    return false;
}

bool valid_id(const std::string& id) {
    return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

template <class Range>
std::string joined(const Range& keys) {
    std::string out;
    for (auto k : keys) out += (out.empty() ? "" : ", ") + std::string(k);
    return out;
}

// Turns one lesson file's YAML into exercises. Every failure is an Error
// "FILE:LINE" -> message; yaml-cpp's own exceptions stop at parse().
class Parser {
public:
    Parser(std::string source, int first_line, const Lesson& lesson)
        : source_(std::move(source)), first_line_(first_line), lesson_(lesson) {}

    std::unexpected<Error> fail(int line, std::string message) const {
        return plain_error(fmt::format("{}:{}", source_, line), std::move(message),
                           "the exercise format is described in docs/AUTHORING.md");
    }
    std::unexpected<Error> fail(const YAML::Node& at, std::string message) const { return fail(line(at), std::move(message)); }
    int line(const YAML::Node& node) const { return first_line_ + node.Mark().line; }

    Result<LessonExercises> exercises(const YAML::Node& root) {
        LessonExercises out;
        out.lesson_id = lesson_.id;
        out.source = source_;
        if (!root || root.IsNull()) return out;
        if (!root.IsMap()) return fail(root, "the front matter must be a mapping (`exercises:` and its list)");
        if (const YAML::Node tab = root["inspector"]; tab) {
            const auto keys = inspector_tab_keys();
            const std::string name = tab.IsScalar() ? tab.as<std::string>() : "";
            if (std::find(keys.begin(), keys.end(), name) == keys.end())
                return fail(tab, fmt::format("`inspector` names the tab to open first: one of {}", joined(keys)));
            out.first_inspector = name;
        }
        // Other top-level keys belong to other features of the file.
        const YAML::Node list = root["exercises"];
        if (!list || list.IsNull()) return out;
        if (!list.IsSequence()) return fail(list, "`exercises` must be a list (each item starts with '- id: ...')");
        for (const auto& item : list) {
            auto e = exercise(item);
            if (!e) return std::unexpected(e.error());
            if (out.find(e->id)) return fail(item, fmt::format("a second exercise with id '{}'", e->id));
            out.exercises.push_back(std::move(*e));
        }
        return out;
    }

private:
    Result<void> only_keys(const YAML::Node& map, Keys allowed, std::string_view what) const {
        if (!map.IsMap()) return fail(map, fmt::format("{} must be a mapping of keys", what));
        for (const auto& kv : map) {
            const std::string key = kv.first.as<std::string>();
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
                return fail(kv.first, fmt::format("{}: unknown key '{}' (known: {})", what, key, joined(allowed)));
        }
        return {};
    }

    Result<std::string> scalar(const YAML::Node& map, const char* key, std::string_view what, bool required) const {
        const YAML::Node node = map[key];
        if (!node || node.IsNull()) {
            if (required) return fail(map, fmt::format("{} needs `{}`", what, key));
            return std::string{};
        }
        if (!node.IsScalar()) return fail(node, fmt::format("{}: `{}` must be a single value", what, key));
        return node.as<std::string>();
    }

    Result<std::optional<double>> number(const YAML::Node& map, const char* key, std::string_view what) const {
        const YAML::Node node = map[key];
        if (!node || node.IsNull()) return std::optional<double>{};
        double value = 0;
        if (!node.IsScalar() || !YAML::convert<double>::decode(node, value))
            return fail(node, fmt::format("{}: `{}` must be a number", what, key));
        return std::optional<double>{value};
    }

    Result<void> placeholders_known(const YAML::Node& at, const std::string& text, std::string_view what) const {
        for (const auto& name : unknown_placeholders(text))
            return fail(at, fmt::format("{}: unknown placeholder ${{{}}} (known: ${{fact:KEY}}, ${{first:KIND}}, "
                                        "${{last:KIND}}, ${{count:KIND}}, ${{failed}}, ${{console}}, ${{answer}}, ${{student}})",
                                        what, name));
        return {};
    }

    Result<void> step_known(const YAML::Node& at, const std::string& id, std::string_view what) const {
        for (const auto& s : lesson_.steps)
            if (s.id == id) return {};
        std::string ids;
        for (const auto& s : lesson_.steps) ids += (ids.empty() ? "" : ", ") + s.id;
        return fail(at, fmt::format("{}: {} has no step '{}' (its steps: {})", what, lesson_.id, id, ids));
    }

    Result<EventSelector> selector(const YAML::Node& map, std::string_view what) const {
        EventSelector s;
        auto kind = scalar(map, "kind", what, false);
        if (!kind) return std::unexpected(kind.error());
        if (!kind->empty()) {
            EventKind k;
            if (!event_kind_from_key(*kind, k))
                return fail(map["kind"], fmt::format("{}: '{}' is not an event kind (syscall, ioctl, vm-exit, vm-entry, "
                                                     "guest-output, guest-event, process, file-read, note)", what, *kind));
            s.kind = k;
        }
        auto name = scalar(map, "name", what, false);
        auto error = scalar(map, "errno", what, false);
        auto step = scalar(map, "step", what, false);
        for (auto* r : {&name, &error, &step})
            if (!*r) return std::unexpected(r->error());
        s.name = *name;
        if (!error->empty()) {
            if (!known_errno(*error))
                return fail(map["errno"], fmt::format("{}: '{}' is not an errno name strata knows (EPERM, ENOENT, ... "
                                                      "or any / none)", what, *error));
            s.error = *error;
        }
        if (!step->empty()) {
            if (auto ok = step_known(map["step"], *step, what); !ok) return std::unexpected(ok.error());
            s.step = *step;
        }
        if (const YAML::Node args = map["args"]; args && !args.IsNull()) {
            if (!args.IsMap()) return fail(args, fmt::format("{}: `args` maps an argument's name to a pattern", what));
            for (const auto& kv : args) {
                if (!kv.second.IsScalar()) return fail(kv.second, fmt::format("{}: an argument's pattern is one value", what));
                s.args.emplace_back(kv.first.as<std::string>(), kv.second.as<std::string>());
            }
        }
        return s;
    }

    // Reads equals / not_equals / matches / contains / at_least / at_most.
    Result<void> tests(const YAML::Node& map, Condition& c, std::string_view what, bool text) const {
        if (text) {
            for (auto [key, slot] : {std::pair{"equals", &c.equals}, {"not_equals", &c.not_equals},
                                     {"matches", &c.matches}, {"contains", &c.contains}}) {
                const YAML::Node node = map[key];
                if (!node) continue;
                auto value = scalar(map, key, what, true);
                if (!value) return std::unexpected(value.error());
                if (auto ok = placeholders_known(node, *value, what); !ok) return ok;
                *slot = *value;
            }
        }
        auto least = number(map, "at_least", what);
        auto most = number(map, "at_most", what);
        if (!least) return std::unexpected(least.error());
        if (!most) return std::unexpected(most.error());
        c.at_least = *least;
        c.at_most = *most;
        return {};
    }

    Result<Condition> one_condition(const std::string& key, const YAML::Node& value, int at) const {
        Condition c;
        c.line = at;
        const std::string what = "condition `" + key + "`";
        if (key == "all" || key == "any") {
            c.kind = key == "all" ? Condition::Kind::all : Condition::Kind::any;
            if (!value.IsSequence() || value.size() == 0) return fail(value, what + " takes a list of conditions");
            for (const auto& item : value) {
                auto child = condition(item, what);
                if (!child) return std::unexpected(child.error());
                c.children.push_back(std::move(*child));
            }
        } else if (key == "not") {
            c.kind = Condition::Kind::negate;
            auto child = condition(value, what);
            if (!child) return std::unexpected(child.error());
            c.children.push_back(std::move(*child));
        } else if (key == "event") {
            c.kind = Condition::Kind::event;
            if (auto ok = only_keys(value, {"kind", "name", "args", "errno", "step", "position"}, what); !ok)
                return std::unexpected(ok.error());
            auto s = selector(value, what);
            if (!s) return std::unexpected(s.error());
            c.event = std::move(*s);
            auto position = scalar(value, "position", what, false);
            if (!position) return std::unexpected(position.error());
            if (*position == "first") c.position = EventPosition::first;
            else if (*position == "last") c.position = EventPosition::last;
            else if (!position->empty() && *position != "any")
                return fail(value["position"], what + ": `position` is first, last or any");
        } else if (key == "count") {
            c.kind = Condition::Kind::count;
            if (auto ok = only_keys(value, {"kind", "name", "args", "errno", "step", "at_least", "at_most", "equals"}, what); !ok)
                return std::unexpected(ok.error());
            auto s = selector(value, what);
            if (!s) return std::unexpected(s.error());
            c.event = std::move(*s);
            if (auto ok = tests(value, c, what, false); !ok) return std::unexpected(ok.error());
            auto exactly = number(value, "equals", what);
            if (!exactly) return std::unexpected(exactly.error());
            if (*exactly) c.at_least = c.at_most = *exactly;
            if (!c.at_least && !c.at_most) return fail(value, what + " needs at_least, at_most or equals");
        } else if (key == "fact") {
            c.kind = Condition::Kind::fact;
            if (auto ok = only_keys(value, {"key", "equals", "not_equals", "matches", "contains", "at_least", "at_most"}, what); !ok)
                return std::unexpected(ok.error());
            auto fact = scalar(value, "key", what, true);
            if (!fact) return std::unexpected(fact.error());
            c.key = *fact;
            if (auto ok = tests(value, c, what, true); !ok) return std::unexpected(ok.error());
        } else if (key == "console") {
            c.kind = Condition::Kind::console;
            if (auto ok = only_keys(value, {"equals", "contains", "matches"}, what); !ok) return std::unexpected(ok.error());
            if (auto ok = tests(value, c, what, true); !ok) return std::unexpected(ok.error());
        } else {  // step
            c.kind = Condition::Kind::step;
            if (auto ok = only_keys(value, {"id", "status"}, what); !ok) return std::unexpected(ok.error());
            auto id = scalar(value, "id", what, true);
            auto status = scalar(value, "status", what, true);
            if (!id) return std::unexpected(id.error());
            if (!status) return std::unexpected(status.error());
            if (auto ok = step_known(value["id"], *id, what); !ok) return std::unexpected(ok.error());
            if (!kStepStatuses.count(*status))
                return fail(value["status"], what + ": `status` is done, failed, cancelled, pending or ran");
            c.key = *id;
            c.status = *status;
        }
        return c;
    }

    // A mapping of condition keys (several mean all of them) and `says`.
    Result<Condition> condition(const YAML::Node& node, std::string_view what) const {
        if (!node.IsMap() || node.size() == 0)
            return fail(node, fmt::format("{}: a condition is a mapping such as {{event: {{kind: vm-exit}}}}", what));
        std::vector<Condition> parts;
        std::string says;
        for (const auto& kv : node) {
            const std::string key = kv.first.as<std::string>();
            if (key == "says") {
                if (!kv.second.IsScalar()) return fail(kv.second, "`says` is one sentence");
                says = kv.second.as<std::string>();
                if (auto ok = placeholders_known(kv.second, says, "says"); !ok) return std::unexpected(ok.error());
                continue;
            }
            if (!kConditionKeys.count(key))
                return fail(kv.first, fmt::format("{}: unknown condition '{}' (known: all, any, not, event, count, fact, "
                                                  "console, step, and says)", what, key));
            auto part = one_condition(key, kv.second, line(kv.first));
            if (!part) return std::unexpected(part.error());
            parts.push_back(std::move(*part));
        }
        if (parts.empty()) return fail(node, fmt::format("{}: `says` alone is not a condition", what));
        Condition c;
        if (parts.size() == 1) c = std::move(parts.front());
        else c.children = std::move(parts), c.line = line(node);
        c.says = says;
        return c;
    }

    Result<std::vector<Hint>> hints(const YAML::Node& list, const std::vector<Choice>& choices, std::string_view what) const {
        std::vector<Hint> out;
        if (!list || list.IsNull()) return out;
        if (!list.IsSequence()) return fail(list, fmt::format("{}: `hints` is a list", what));
        for (const auto& item : list) {
            if (auto ok = only_keys(item, {"chosen", "when", "text"}, "a hint"); !ok) return std::unexpected(ok.error());
            Hint h;
            h.line = line(item);
            auto text = scalar(item, "text", "a hint", true);
            if (!text) return std::unexpected(text.error());
            h.text = *text;
            if (auto ok = placeholders_known(item["text"], h.text, "a hint"); !ok) return std::unexpected(ok.error());
            if (const YAML::Node chosen = item["chosen"]; chosen) {
                if (chosen.IsScalar()) h.chosen.push_back(chosen.as<std::string>());
                else if (chosen.IsSequence())
                    for (const auto& c : chosen) h.chosen.push_back(c.as<std::string>());
                else return fail(chosen, "a hint's `chosen` is a choice id or a list of them");
                for (const auto& id : h.chosen)
                    if (!choices.empty() && std::none_of(choices.begin(), choices.end(), [&](const Choice& c) { return c.id == id; }))
                        return fail(chosen, fmt::format("a hint names choice '{}', which this exercise does not have", id));
            }
            if (const YAML::Node when = item["when"]; when) {
                auto c = condition(when, "a hint's `when`");
                if (!c) return std::unexpected(c.error());
                h.when = std::move(*c);
            }
            out.push_back(std::move(h));
        }
        return out;
    }

    Result<void> predict(const YAML::Node& node, Exercise& e, const std::string& what) const {
        if (auto ok = only_keys(node, {"id", "kind", "step", "prompt", "choices", "hints", "explain"}, what); !ok) return ok;
        if (e.step.empty()) return fail(node, what + " needs `step`: the step it is asked before");
        const YAML::Node list = node["choices"];
        if (!list || !list.IsSequence() || list.size() < 2) return fail(node, what + " needs `choices`: a list of two or more");
        for (const auto& item : list) {
            if (auto ok = only_keys(item, {"id", "text", "when"}, "a choice"); !ok) return ok;
            Choice c;
            c.line = line(item);
            auto id = scalar(item, "id", "a choice", true);
            auto text = scalar(item, "text", "a choice", true);
            if (!id) return std::unexpected(id.error());
            if (!text) return std::unexpected(text.error());
            if (!valid_id(*id)) return fail(item["id"], fmt::format("choice id '{}': use lower-case letters, digits and '-'", *id));
            // An answers file written by a YAML 1.1 tool would turn these into booleans.
            if (kBooleanWords.count(*id))
                return fail(item["id"], fmt::format("choice id '{}' reads as a boolean in YAML 1.1 answers files: "
                                                    "choose a word such as 'shared' or 'separate'", *id));
            for (const auto& other : e.choices)
                if (other.id == *id) return fail(item, fmt::format("{}: a second choice with id '{}'", what, *id));
            if (!item["when"]) return fail(item, fmt::format("choice '{}' needs `when`: what the recording shows if it "
                                                             "is the right one", *id));
            auto when = condition(item["when"], "choice '" + *id + "'");
            if (!when) return std::unexpected(when.error());
            c.id = *id;
            c.text = *text;
            c.when = std::move(*when);
            e.choices.push_back(std::move(c));
        }
        return {};
    }

    const LessonOption* option_named(const std::string& key) const {
        for (const auto& o : lesson_.options)
            if (o.key == key) return &o;
        return nullptr;
    }

    Result<void> challenge(const YAML::Node& node, Exercise& e, const std::string& what) const {
        if (auto ok = only_keys(node, {"id", "kind", "step", "prompt", "set", "parameter", "goal", "hints", "explain"}, what); !ok)
            return ok;
        if (const YAML::Node set = node["set"]; set) {
            if (!set.IsMap()) return fail(set, what + ": `set` maps lesson options to values");
            for (const auto& kv : set) e.set[kv.first.as<std::string>()] = kv.second.as<std::string>();
            if (auto resolved = lesson_.resolve_options(e.set); !resolved)
                return fail(set, fmt::format("{}: {} ({})", what, resolved.error().message, resolved.error().hint));
        }
        const YAML::Node p = node["parameter"];
        if (!p) return fail(node, what + " needs `parameter`: the lesson option the learner sets");
        if (auto ok = only_keys(p, {"option", "editor", "flags", "initial", "unit", "min", "max", "label"}, "a parameter"); !ok)
            return ok;
        auto option = scalar(p, "option", "a parameter", true);
        if (!option) return std::unexpected(option.error());
        const LessonOption* known = option_named(*option);
        if (!known) {
            std::string keys;
            for (const auto& o : lesson_.options) keys += (keys.empty() ? "" : ", ") + o.key;
            return fail(p["option"], fmt::format("{} has no option '{}' ({})", lesson_.id, *option,
                                                 keys.empty() ? "it has none: add one in the lesson's .cpp" : "its options: " + keys));
        }
        if (e.set.count(*option)) return fail(p, fmt::format("{}: `set` must not fix '{}', the option the learner sets", what, *option));
        Parameter& param = e.parameter;
        param.option = *option;
        param.choices = known->choices;
        auto editor = scalar(p, "editor", "a parameter", false);
        auto initial = scalar(p, "initial", "a parameter", false);
        auto unit = scalar(p, "unit", "a parameter", false);
        auto label = scalar(p, "label", "a parameter", false);
        for (auto* r : {&editor, &initial, &unit, &label})
            if (!*r) return std::unexpected(r->error());
        const std::string kind = editor->empty() ? (known->choices.empty() ? "text" : "choice") : *editor;
        if (kind == "choice") param.editor = EditorKind::choice;
        else if (kind == "flags") param.editor = EditorKind::flags;
        else if (kind == "number") param.editor = EditorKind::number;
        else if (kind == "text") param.editor = EditorKind::text;
        else if (kind == "assembly") param.editor = EditorKind::assembly;
        else return fail(p["editor"], "a parameter's `editor` is choice, flags, number, text or assembly");
        if (param.editor == EditorKind::choice && known->choices.empty())
            return fail(p, fmt::format("option '{}' takes any value: a `choice` editor needs an option with choices", *option));
        if (param.editor != EditorKind::choice && !known->choices.empty())
            return fail(p, fmt::format("option '{}' has fixed choices: use `editor: choice`", *option));
        if (param.editor == EditorKind::flags) {
            const YAML::Node flags = p["flags"];
            if (!flags || !flags.IsSequence() || flags.size() == 0)
                return fail(p, "a `flags` editor needs `flags`: the list of flags to tick");
            for (const auto& f : flags) param.flags.push_back(f.as<std::string>());
        }
        auto min = number(p, "min", "a parameter");
        auto max = number(p, "max", "a parameter");
        if (!min) return std::unexpected(min.error());
        if (!max) return std::unexpected(max.error());
        param.min = *min;
        param.max = *max;
        param.initial = !initial->empty() ? *initial : known->choices.empty() ? "" : known->choices.front();
        param.unit = *unit;
        param.label = label->empty() ? known->description : *label;
        if (!node["goal"]) return fail(node, what + " needs `goal`: the condition a real run must meet");
        auto goal = condition(node["goal"], what + " goal");
        if (!goal) return std::unexpected(goal.error());
        e.goal = std::move(*goal);
        return {};
    }

    Result<Exercise> exercise(const YAML::Node& node) const {
        if (!node.IsMap()) return fail(node, "each exercise is a mapping that starts with `- id: ...`");
        Exercise e;
        e.line = line(node);
        auto id = scalar(node, "id", "an exercise", true);
        if (!id) return std::unexpected(id.error());
        if (!valid_id(*id)) return fail(node["id"], fmt::format("exercise id '{}': use lower-case letters, digits and '-'", *id));
        e.id = *id;
        const std::string what = "exercise '" + e.id + "'";
        auto kind = scalar(node, "kind", what, true);
        auto prompt = scalar(node, "prompt", what, true);
        auto step = scalar(node, "step", what, false);
        auto explain = scalar(node, "explain", what, false);
        for (auto* r : {&kind, &prompt, &step, &explain})
            if (!*r) return std::unexpected(r->error());
        e.prompt = *prompt;
        e.explanation = *explain;
        if (auto ok = placeholders_known(node["prompt"], e.prompt, what); !ok) return std::unexpected(ok.error());
        if (auto ok = placeholders_known(node, e.explanation, what); !ok) return std::unexpected(ok.error());
        if (!step->empty()) {
            if (auto ok = step_known(node["step"], *step, what); !ok) return std::unexpected(ok.error());
            e.step = *step;
        }
        Result<void> body;
        if (*kind == "predict") e.kind = ExerciseKind::predict, body = predict(node, e, what);
        else if (*kind == "challenge") e.kind = ExerciseKind::challenge, body = challenge(node, e, what);
        else return fail(node["kind"], fmt::format("{}: `kind` is predict or challenge, not '{}'", what, *kind));
        if (!body) return std::unexpected(body.error());
        auto h = hints(node["hints"], e.choices, what);
        if (!h) return std::unexpected(h.error());
        e.hints = std::move(*h);
        return e;
    }

    std::string source_;
    int first_line_;
    const Lesson& lesson_;
};

}  // namespace

Result<LessonExercises> parse_exercises(std::string_view markdown, const std::string& source, const Lesson& lesson) {
    auto fm = split_front_matter(markdown);
    if (!fm) return plain_error(source + ":1", fm.error().message, fm.error().hint);
    Parser parser(source, fm->yaml_first_line, lesson);
    if (!fm->present) return parser.exercises(YAML::Node());
    try {
        return parser.exercises(YAML::Load(fm->yaml));
    } catch (const YAML::Exception& e) {
        // Syntax errors (a bad indent, a stray colon) and conversions yaml-cpp refuses.
        return parser.fail(fm->yaml_first_line + (e.mark.line >= 0 ? e.mark.line : 0), "YAML: " + e.msg);
    }
}

Result<LessonExercises> load_exercises(const std::filesystem::path& assets, const Lesson& lesson) {
    auto text = read_lesson_markdown(assets, lesson.id);
    if (!text) return std::unexpected(text.error());
    return parse_exercises(*text, lesson_markdown_path(assets, lesson.id).string(), lesson);
}

}  // namespace strata::engine
