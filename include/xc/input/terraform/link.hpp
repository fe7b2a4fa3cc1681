// Several root modules read together, as one deployment: a data source that reads a secret or
// parameter one of the other roots creates yields what that root writes into it, instead of an
// unknown. This is how a deployment carries a value across accounts (the consumer writes its
// execute-api endpoint id into a secret; each service reads it back with a data source).
//
// A value taken from another root keeps its own unknowns, qualified with that root's name:
// `[consumer] aws_vpc_endpoint.execute_api.id`. What nothing links stays the data source's
// unknown (`data.aws_secretsmanager_secret_version.x.secret_string`).
//
// Matching rules (AWS documentation):
// - `aws_secretsmanager_secret_version` reads `secret_id`, "the ARN or the friendly name of the
//   secret" (AWS provider docs, data source aws_secretsmanager_secret_version), at stage
//   AWSCURRENT unless `version_id`/`version_stage` say otherwise (then xc links nothing). A name
//   means the secret of that name in the reader's own account and region; an ARN names its
//   account and region, and may be partial — "arn:aws:secretsmanager:Region:AccountId:secret:
//   SecretName", without the "-" and six random characters Secrets Manager appends (Secrets
//   Manager User Guide, "Secret ARNs ... If you use a partial ARN"). A full ARN's suffix is
//   assigned at creation, so it never matches a secret a root is about to create.
// - The value is the `secret_string` of the one `aws_secretsmanager_secret_version` of the
//   creating root whose `secret_id` is that secret's `id` or `arn`; several versions, or none,
//   link nothing.
// - `aws_ssm_parameter` reads the parameter `name` in the reader's account and region; its
//   `value`/`insecure_value` is the `value`/`insecure_value` the creating root configures.
// A data source in the same root as what it reads is not linked: Terraform reads it before
// that root's own changes are applied.
#pragma once

#include "xc/input/terraform/configuration.hpp"
#include "xc/input/terraform/value.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace xc::input::terraform {

struct RootInput {
    std::string name;             // how reports name the root: its directory's name, usually
    std::filesystem::path dir;
    LoadOptions options;
};

namespace detail {

inline std::string qualified_origin(const std::string& root, const std::string& origin) {
    if (origin.empty() || origin[0] == '[' || origin.rfind("xc: ", 0) == 0) return origin;
    return "[" + root + "] " + origin;
}

// `v` with every unknown's origins qualified by `root`.
inline Value qualified(const Value& v, const std::string& root) {
    if (!v.is_known()) {
        std::vector<std::string> origins;
        for (const auto& o : v.origins()) origins.push_back(qualified_origin(root, o));
        Value out = Value::unknown(v.type(), std::move(origins)).mark_sensitive(v.sensitive()).mark_exact(v.exact());
        if (const auto* parts = v.template_parts()) {
            auto shape = *parts;
            for (auto& p : shape)
                if (p.unknown) p.text = qualified_origin(root, p.text);
            out.with_template_parts(std::move(shape));
        }
        return out;
    }
    if (v.is_null() || v.is_wholly_known()) return v;
    const Type& t = v.type();
    Value out;
    std::vector<Value> es;
    Attributes as;
    for (const auto& e : v.elements()) es.push_back(qualified(e, root));
    for (const auto& [k, e] : v.attributes()) as[k] = qualified(e, root);
    switch (t.kind()) {
    case Type::Kind::List: out = Value::list(t.element(), std::move(es)); break;
    case Type::Kind::Set: out = Value::set(t.element(), std::move(es)); break;
    case Type::Kind::Tuple: out = Value::tuple(std::move(es)); break;
    case Type::Kind::Map: out = Value::map(t.element(), std::move(as)); break;
    case Type::Kind::Object: out = Value::object(std::move(as)); break;
    default: return v;
    }
    return out.mark_sensitive(v.sensitive());
}

inline const Value* known_string(const Value& object, const std::string& name) {
    if (!object.is_known() || object.is_null() || !object.is_mapping()) return nullptr;
    auto it = object.attributes().find(name);
    if (it == object.attributes().end() || !it->second.is_known() || it->second.is_null() || it->second.type().kind() != Type::Kind::String) return nullptr;
    return &it->second;
}

class Linker {
public:
    Linker(const std::vector<RootInput>& roots, const std::vector<Configuration>& previous) : roots_(roots), previous_(previous) {
        for (std::size_t q = 0; q < previous_.size(); ++q) add(q);
    }
    // Indexes what root `q` (of `previous`) creates, by name: a reader then looks at only these.
    // A linker may be built over the roots read so far and given each next one as it is read.
    void add(std::size_t q) {
        for (const auto& i : previous_[q].instances) {
            if (i.data) continue;
            if (i.type == "aws_secretsmanager_secret" || i.type == "aws_ssm_parameter")
                if (const Value* name = known_string(i.attributes, "name")) by_name_[i.type + '\x1f' + name->as_string()].emplace_back(q, &i);
            if (i.type == "aws_secretsmanager_secret_version") versions_[q].push_back(&i);
        }
    }

    // What the read `d` of root `reader` yields: the root that writes it and the value, if one does.
    std::optional<std::pair<std::size_t, Value>> answer(std::size_t reader, const DataRead& d) const {
        if (d.type == "aws_secretsmanager_secret_version" && d.attribute == "secret_string") return secret_string(reader, d);
        if (d.type == "aws_ssm_parameter" && (d.attribute == "value" || d.attribute == "insecure_value")) return parameter(reader, d);
        return std::nullopt;
    }
    // The answer's value, the root it came from recorded among the reader's sources.
    std::optional<Value> read(std::size_t reader, const DataRead& d) {
        auto found = answer(reader, d);
        if (!found) return std::nullopt;
        sources_[reader].insert(found->first);
        return std::move(found->second);
    }
    // The roots each reader took values from.
    const std::map<std::size_t, std::set<std::size_t>>& sources() const { return sources_; }

private:
    // Whether `secret_id` names the secret `name` created at `at`, read from `reader`.
    static bool names_secret(const std::string& secret_id, const std::string& name, const Placement& at, const Placement& reader) {
        if (at.account.empty() || at.region.empty()) return false;
        if (secret_id.rfind("arn:", 0) != 0) return secret_id == name && reader.account == at.account && reader.region == at.region;
        // arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME (partial: no random suffix)
        std::vector<std::string> parts;
        std::size_t start = 0;
        for (int i = 0; i < 6; ++i) {
            auto c = secret_id.find(':', start);
            if (c == std::string::npos) return false;
            parts.push_back(secret_id.substr(start, c - start));
            start = c + 1;
        }
        return parts[2] == "secretsmanager" && parts[3] == at.region && parts[4] == at.account && parts[5] == "secret" && secret_id.substr(start) == name;
    }

    std::optional<std::pair<std::size_t, Value>> secret_string(std::size_t reader, const DataRead& d) const {
        if (auto stage = known_string(d.arguments, "version_stage"); stage && stage->as_string() != "AWSCURRENT") return std::nullopt;
        if (d.arguments.attributes().count("version_id")) return std::nullopt;
        const Value* id = known_string(d.arguments, "secret_id");
        if (!id) return std::nullopt;
        // The secret's name: the id itself, or what follows ":secret:" in an ARN.
        std::string name = id->as_string();
        if (name.rfind("arn:", 0) == 0) {
            const auto at = name.find(":secret:");
            if (at == std::string::npos) return std::nullopt;
            name = name.substr(at + 8);
        }
        auto candidates = by_name_.find("aws_secretsmanager_secret\x1f" + name);
        if (candidates == by_name_.end()) return std::nullopt;
        std::optional<std::pair<std::size_t, const ResourceInstance*>> found;
        for (const auto& [q, i] : candidates->second) {
            if (q == reader || !names_secret(id->as_string(), name, i->placement, d.placement)) continue;
            if (found) return std::nullopt;  // ambiguous: two roots create it
            found = std::make_pair(q, i);
        }
        if (!found) return std::nullopt;
        const auto& [q, secret] = *found;
        const Value* value = nullptr;
        auto versions = versions_.find(q);
        if (versions == versions_.end()) return std::nullopt;
        for (const ResourceInstance* v : versions->second) {
            const ResourceInstance& i = *v;
            auto it = i.attributes.attributes().find("secret_id");
            if (it == i.attributes.attributes().end() || it->second.is_known()) continue;
            const auto& o = it->second.origins();
            if (!it->second.exact() || (o[0] != secret->address + ".id" && o[0] != secret->address + ".arn")) continue;
            auto s = i.attributes.attributes().find("secret_string");
            if (value || s == i.attributes.attributes().end()) return std::nullopt;  // several versions, or none with a string
            value = &s->second;
        }
        if (!value) return std::nullopt;
        return std::make_pair(q, qualified(*value, roots_[q].name));
    }

    std::optional<std::pair<std::size_t, Value>> parameter(std::size_t reader, const DataRead& d) const {
        const Value* name = known_string(d.arguments, "name");
        if (!name || d.placement.account.empty() || d.placement.region.empty()) return std::nullopt;
        std::optional<std::pair<std::size_t, Value>> out;
        auto candidates = by_name_.find("aws_ssm_parameter\x1f" + name->as_string());
        if (candidates == by_name_.end()) return std::nullopt;
        for (const auto& [q, i] : candidates->second) {
            if (q == reader || i->placement.account != d.placement.account || i->placement.region != d.placement.region) continue;
            auto v = i->attributes.attributes().find(d.attribute);
            if (out || v == i->attributes.attributes().end()) return std::nullopt;
            out = std::make_pair(q, qualified(v->second, roots_[q].name));
        }
        return out;
    }

    const std::vector<RootInput>& roots_;
    const std::vector<Configuration>& previous_;
    std::map<std::string, std::vector<std::pair<std::size_t, const ResourceInstance*>>> by_name_;  // "type\x1fname"
    std::map<std::size_t, std::vector<const ResourceInstance*>> versions_;                         // by root
    std::map<std::size_t, std::set<std::size_t>> sources_;
};

// What a read answered, to tell whether a later linker answers it alike: the root it came from,
// the value and its unknowns' origins.
inline std::string answer_fingerprint(const std::optional<std::pair<std::size_t, Value>>& a) {
    if (!a) return "-";
    std::string s = std::to_string(a->first) + '|' + display(a->second) + '|';
    for (const auto& o : a->second.unknown_origins()) s += o + ';';
    return s;
}

// A fingerprint of a configuration's instances and their values, to tell when linking is done.
inline std::string fingerprint(const Configuration& c) {
    std::string s;
    for (const auto& i : c.instances) {
        s += i.address + '=' + display(i.attributes) + '\n';
        for (const auto& o : i.attributes.unknown_origins()) s += o + ';';
    }
    for (const auto& [k, v] : c.outputs) s += k + '=' + display(v) + '\n';
    return s;
}

}  // namespace detail

// Loads every root, linking data sources to what the other roots create (see the header). A
// value may travel through several roots: a root is read again while a root it took values
// from changed in the previous pass (at most once per root).
inline std::vector<Configuration> load_roots(const std::vector<RootInput>& roots) {
    // The first pass reads the roots in order, each linked to the roots read before it (the
    // consumer's root, given first, answers the services' reads at once). Every read is recorded;
    // once all roots are read, a root whose every read the complete linker answers alike (a root
    // read later may create the same name, making it ambiguous; or answer a read none had) is
    // done, and only the others are read again — with a thousand service roots, reading each
    // twice was most of the time.
    struct Read {
        std::string type, attribute;
        Value arguments;
        Placement placement;
        std::string answer;  // answer_fingerprint
    };
    std::vector<Configuration> current;
    current.reserve(roots.size());
    std::vector<std::vector<Read>> reads(roots.size());
    {
        detail::Linker early(roots, current);
        for (std::size_t n = 0; n < roots.size(); ++n) {
            LoadOptions o = roots[n].options;
            o.read_data = [&early, &reads, n](const DataRead& d) -> std::optional<Value> {
                auto a = early.answer(n, d);
                reads[n].push_back({d.type, d.attribute, d.arguments, d.placement, detail::answer_fingerprint(a)});
                if (!a) return std::nullopt;
                return std::move(a->second);
            };
            current.push_back(load_configuration(roots[n].dir, o));
            early.add(n);
        }
    }
    std::map<std::size_t, std::set<std::size_t>> sources;
    std::set<std::size_t> changed;
    for (std::size_t pass = 0; pass < roots.size(); ++pass) {
        detail::Linker linker(roots, current);
        // Pass 0: a root is read again only if the complete linker answers one of its reads
        // otherwise than the first pass did; a root it is not read again for takes its sources
        // from those answers.
        std::vector<bool> settled(roots.size(), false);
        if (pass == 0)
            for (std::size_t n = 0; n < roots.size(); ++n) {
                settled[n] = true;
                for (const auto& r : reads[n]) {
                    const auto a = linker.answer(n, DataRead{r.type, r.arguments, r.placement, r.attribute});
                    settled[n] = settled[n] && detail::answer_fingerprint(a) == r.answer;
                    if (a) sources[n].insert(a->first);
                }
            }
        // The roots read again, put in place once the pass is over (the linker reads `current`).
        std::map<std::size_t, Configuration> again;
        std::set<std::size_t> now_changed;
        for (std::size_t n = 0; n < roots.size(); ++n) {
            const auto& from = sources[n];
            const bool stale = (pass == 0 && !settled[n]) || std::any_of(from.begin(), from.end(), [&](std::size_t q) { return changed.count(q) > 0; });
            if (!stale) continue;
            LoadOptions o = roots[n].options;
            o.read_data = [&linker, n](const DataRead& d) { return linker.read(n, d); };
            auto& read = again[n] = load_configuration(roots[n].dir, o);
            sources[n] = linker.sources().count(n) ? linker.sources().at(n) : std::set<std::size_t>{};
            if (detail::fingerprint(read) != detail::fingerprint(current[n])) now_changed.insert(n);
        }
        for (auto& [n, c] : again) current[n] = std::move(c);
        changed = std::move(now_changed);
        if (changed.empty()) break;
    }
    return current;
}

}  // namespace xc::input::terraform
