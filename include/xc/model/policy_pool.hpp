// The policy documents of one load, each distinct JSON parsed and held once.
//
// A model stamped from a template embeds the template's policies once per service: at 10,000
// services, 30,000 documents of which 20,000 say one of three things. Each was kept as its own
// JSON tree and its own parse (~3 KiB), and parsed again. A front end makes its documents here
// instead; documents with the same JSON share one immutable PolicyBody.
//
// Same JSON, same body: the parse is a function of the JSON value alone (policy::parse keeps no
// path), and "same" is exact (same types, keys, strings, and numbers bit for bit: 1 and 1.0 are
// two documents), so a document's verdicts and what emit writes of it do not depend on which
// copy its body came from. Only errors carry a path, and a document that fails to parse is
// never pooled: each copy reports its own.
#pragma once

#include <xc/model/model.hpp>
#include <xc/policy/parse.hpp>

#include <nlohmann/json.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

namespace xc::model {

namespace detail {
// Whether `a` and `b` are the same JSON, exactly: nlohmann's == takes 1 for 1.0 and 0.0 for -0.0,
// which dump (and so emit) writes apart.
inline bool same_json(const nlohmann::json& a, const nlohmann::json& b) {
    using Type = nlohmann::json::value_t;
    if (a.type() != b.type() || a.size() != b.size()) return false;
    switch (a.type()) {
        case Type::object:
            for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j)
                if (i.key() != j.key() || !same_json(*i, *j)) return false;
            return true;
        case Type::array:
            for (std::size_t k = 0; k < a.size(); ++k)
                if (!same_json(a[k], b[k])) return false;
            return true;
        case Type::number_float:
            return std::bit_cast<std::uint64_t>(a.get<double>()) == std::bit_cast<std::uint64_t>(b.get<double>());
        default:
            return a == b;
    }
}
}  // namespace detail

class PolicyPool {
public:
    // `document`, embedded at `path`: its body is an earlier document's with the same JSON, or
    // `document` parsed now. Throws the parse's InputError, its paths under `path`.
    PolicyDocument document(const nlohmann::json& document, std::string path) {
        const std::size_t hash = std::hash<nlohmann::json>{}(document);
        for (auto [it, end] = bodies_.equal_range(hash); it != end; ++it)
            if (detail::same_json(it->second->document, document)) return PolicyDocument(it->second, std::move(path));
        auto body = std::make_shared<const PolicyBody>(PolicyBody{document, policy::parse(document, path)});
        bodies_.emplace(hash, body);
        return PolicyDocument(std::move(body), std::move(path));
    }

    // How many distinct bodies the pool holds.
    std::size_t size() const { return bodies_.size(); }

private:
    std::unordered_multimap<std::size_t, std::shared_ptr<const PolicyBody>> bodies_;  // by the JSON's hash
};

}  // namespace xc::model
