// Deployed identity: the names, ids and ARNs each resource will have once deployed, decided
// here once. The graph stores one `Identity` per resource; the verifier reasons about it and
// every emitter prints it, so a proof is about exactly what `xc emit` deploys.
//
// Some values exist only after deployment (a REST API's id, the random suffix of a secret's ARN,
// a KMS key's id): an `Assigned` part stands for such a value. It is the same in every place
// that mentions it and, being chosen by AWS, equal to no literal a policy could have been
// written with. Emitters print it as a reference to the resource's attribute; the verifier
// treats it as unknown (a proof must hold whatever AWS assigns) and uses its `stand_in` only to
// show a concrete witness.
#pragma once

#include <xc/model/model.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xc::model {

// A value AWS assigns at deployment.
struct Assigned {
    std::string owner;      // graph id of the resource it belongs to
    std::string attribute;  // which of its values: "id", "arn-suffix", "name", "domain-name-id"
    std::size_t length = 0; // its length where AWS fixes one, else 0
    std::string stand_in;   // a concrete value of that shape, for witnesses
    friend bool operator==(const Assigned&, const Assigned&) = default;
};

// Literal text with assigned values in it: "arn:aws:execute-api:eu-central-1:1111:" + <api id>.
class Term {
public:
    struct Part {
        std::string text;  // literal text, when `assigned` is null
        // The assigned value, shared by every copy of a term that mentions it (an ARN built from
        // a name copies no strings of it), compared by value. Held inline, it made every part,
        // literal or not, 144 bytes: 26 MB of a 10,000-service graph's identities.
        std::shared_ptr<const Assigned> assigned;
        friend bool operator==(const Part& a, const Part& b) {
            return a.text == b.text && (a.assigned == b.assigned || (a.assigned && b.assigned && *a.assigned == *b.assigned));
        }
    };

    Term() = default;
    static Term literal(std::string text) { return Term().append(std::move(text)); }
    static Term of(Assigned a) { return Term().append(std::move(a)); }

    Term& append(std::string text) {
        if (text.empty()) return *this;
        if (!parts_.empty() && !parts_.back().assigned) parts_.back().text += text;
        else parts_.push_back(Part{std::move(text), nullptr});
        return *this;
    }
    Term& append(Assigned a) {
        parts_.push_back(Part{{}, std::make_shared<const Assigned>(std::move(a))});
        return *this;
    }
    Term& append(const Term& t) {
        for (const auto& p : t.parts_) {
            if (p.assigned) parts_.push_back(p);
            else append(p.text);
        }
        return *this;
    }

    const std::vector<Part>& parts() const { return parts_; }
    bool empty() const { return parts_.empty(); }
    bool is_literal() const {
        for (const auto& p : parts_)
            if (p.assigned) return false;
        return true;
    }
    // The text up to the first assigned part (all of it for a literal).
    std::string literal_prefix() const {
        std::string out;
        for (const auto& p : parts_) {
            if (p.assigned) break;
            out += p.text;
        }
        return out;
    }
    // A concrete value: assigned parts replaced by their stand-ins.
    std::string stand_in() const {
        std::string out;
        for (const auto& p : parts_) out += p.assigned ? p.assigned->stand_in : p.text;
        return out;
    }
    // For people: assigned parts as ${owner.attribute}.
    std::string display() const {
        std::string out;
        for (const auto& p : parts_) out += p.assigned ? "${" + p.assigned->owner + "." + p.assigned->attribute + "}" : p.text;
        return out;
    }
    friend bool operator==(const Term&, const Term&) = default;

private:
    std::vector<Part> parts_;
};

// What a resource is known by once deployed. Empty terms: the resource has no such value that a
// policy, an environment variable or another resource can mention.
struct Identity {
    Term name;  // the name the emitters give it (or AWS generates)
    Term id;    // the id AWS knows it by, where that differs from the name
    // ARN: "arn:" partition ":" service ":" region ":" account ":" resource
    std::string partition;
    std::string service;
    std::string region;   // empty for global services (IAM)
    std::string account;  // 12 digits; empty where ARNs carry none
    Term resource;        // the ARN's resource part, e.g. "secret:<name>-" + <6 random characters>

    bool has_arn() const { return !service.empty(); }
    // Nothing deployed to name (every field, so that none is dropped by a caller testing it).
    bool empty() const {
        return name.empty() && id.empty() && partition.empty() && service.empty() && region.empty() && account.empty() && resource.empty();
    }
    Term arn() const {
        if (!has_arn()) return {};
        return Term::literal("arn:" + partition + ":" + service + ":" + region + ":" + account + ":").append(resource);
    }
};

namespace detail {
// A deterministic stand-in: `prefix` then characters of `alphabet` drawn from a hash of `seed`,
// `length` characters in all. Distinct seeds give distinct stand-ins in practice.
inline std::string stand_in(std::string prefix, const std::string& seed, std::size_t length,
                            std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789") {
    std::uint64_t h = 1469598103934665603ull;
    for (char c : seed) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    std::string out = std::move(prefix);
    while (out.size() < length) {
        out += alphabet[h % alphabet.size()];
        h /= alphabet.size();
    }
    return out;
}
}  // namespace detail

// --- the identity of each kind of resource ---------------------------------------------------
//
// Names xc gives: "<app>-<scope>-<name>" for what the account sees by name (functions, APIs,
// security groups, tags), "<app>/<name>" (consumer) or "<app>/<scope>/<name>" for secrets.
// ARN formats, from AWS's service authorization reference ("Resource types defined by ..."):
//   secret    arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}, where
//             "Secrets Manager adds a hyphen and six random characters after the secret name at
//             the end of the ARN" (Secrets Manager User Guide, "Secret ARNs" / CreateSecret ARN);
//   KMS key   arn:${Partition}:kms:${Region}:${Account}:key/${KeyId} (KeyId: a UUID, 36 chars);
//   table     arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}[/index/${IndexName}];
//   function  arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName};
//   role      arn:${Partition}:iam::${Account}:role/${RoleNameWithPath};
//   REST API  execute-api ARNs "arn:${Partition}:execute-api:${Region}:${Account}:${ApiId}/${Stage}/
//             ${Method}/${ApiSpecificResourcePath}" (API Gateway developer guide, "API Gateway Amazon
//             Resource Name (ARN) reference"); ids are 10 lower-case letters and digits;
//   private custom domain  arn:${Partition}:execute-api:${Region}:${Account}:/domainnames/
//             ${DomainName}+${DomainNameId} (same page; the id is the domain's own, 8 characters,
//             not the API's: "private.example.com+abcd1234").

// The name xc gives a resource an account sees by name.
inline std::string application_name(const Model& m, std::string_view scope, std::string_view name) {
    std::string out;
    out.reserve(m.name.size() + scope.size() + name.size() + 2);  // one allocation: every tag and most names are made here
    out.append(m.name).append(1, '-').append(scope).append(1, '-').append(name);
    return out;
}

struct IdentityScope {
    const Model& model;
    const Scope& scope;
    const std::string& vertex_id;  // the graph id of the resource
    const std::string& account_id() const { return model.accounts.at(scope.account).id; }
    Identity arn_in(std::string service, bool regional = true) const {
        Identity i;
        i.partition = "aws";
        i.service = std::move(service);
        i.region = regional ? model.region : "";
        i.account = account_id();
        return i;
    }
    Assigned assigned(std::string attribute, std::size_t length, std::string stand_in) const {
        return Assigned{vertex_id, std::move(attribute), length, std::move(stand_in)};
    }
};

inline Identity identity_of(const IdentityScope& at, const Secret& x) {
    Identity i = at.arn_in("secretsmanager");
    i.name = Term::literal(!x.deployed_name.empty()                ? x.deployed_name
                           : at.scope.kind == ScopeKind::consumer ? at.model.name + "/" + x.name
                                                                  : at.model.name + "/" + at.scope.name + "/" + x.name);
    i.resource = Term::literal("secret:" + i.name.stand_in() + "-")
                     .append(at.assigned("arn-suffix", 6, "AbCdEf"));
    return i;
}

inline Identity identity_of(const IdentityScope& at, const KmsKey&) {
    Identity i = at.arn_in("kms");
    std::string hex = detail::stand_in("", at.vertex_id, 32, "0123456789abcdef");
    std::string uuid = hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" + hex.substr(20);
    i.id = Term::of(at.assigned("id", 36, uuid));
    i.resource = Term::literal("key/").append(i.id);
    return i;
}

inline Identity identity_of(const IdentityScope& at, const Table& x) {
    Identity i = at.arn_in("dynamodb");
    i.name = Term::literal(x.table_name);
    i.resource = Term::literal("table/" + x.table_name);
    return i;
}

inline Identity identity_of(const IdentityScope& at, const Lambda& x) {
    Identity i = at.arn_in("lambda");
    i.name = Term::literal(x.deployed_name.empty() ? application_name(at.model, at.scope.name, x.name) : x.deployed_name);
    i.resource = Term::literal("function:").append(i.name);
    return i;
}

// The emitters leave a role's name to Terraform / CloudFormation, which generate one: the name
// is assigned (its stand-in is the model's name) unless a front end read the name stated.
inline Identity identity_of(const IdentityScope& at, const Role& x) {
    Identity i = at.arn_in("iam", false);
    i.name = x.deployed_name.empty() ? Term::of(at.assigned("name", 0, x.name)) : Term::literal(x.deployed_name);
    i.resource = Term::literal("role/").append(i.name);
    return i;
}

// A REST API's id: the model's literal `id` names an API that already exists (the emitters adopt
// it, never create another); without one, the id AWS assigns when the API is created.
inline Identity identity_of(const IdentityScope& at, const RestApi& x) {
    Identity i = at.arn_in("execute-api");
    i.name = Term::literal(x.deployed_name.empty() ? application_name(at.model, at.scope.name, x.name) : x.deployed_name);
    i.id = x.id.empty() ? Term::of(at.assigned("id", 10, detail::stand_in("xc", at.vertex_id, 10))) : Term::literal(x.id);
    i.resource = i.id;  // the execution ARN; routes are <id>/<stage>/<method>/<path>
    return i;
}

// A custom domain's invoke ARN (PRIVATE domains have one; its id is the domain's own).
inline Identity identity_of(const IdentityScope& at, const CustomDomain& x) {
    Identity i;
    i.name = Term::literal(x.name);
    if (x.endpoint_type != ApiEndpointType::PRIVATE) return i;
    i = at.arn_in("execute-api");
    i.name = Term::literal(x.name);
    i.id = Term::of(at.assigned("domain-name-id", 8, detail::stand_in("xc", at.vertex_id, 8)));
    i.resource = Term::literal("/domainnames/" + x.name + "+").append(i.id);
    return i;
}

// An interface endpoint's id is the model's (a placeholder the emitters replace with the
// deployed endpoint's id wherever it appears; see emit/lowering.hpp).
inline Identity identity_of(const IdentityScope& at, const VpcEndpoint& x) {
    Identity i = at.arn_in("ec2");
    i.id = x.id.empty() ? Term::of(at.assigned("id", 22, detail::stand_in("vpce-", at.vertex_id, 22, "0123456789abcdef")))
                        : Term::literal(x.id);
    i.resource = Term::literal("vpc-endpoint/").append(i.id);
    return i;
}

// Everything else is referred to by the emitters' references only.
template <class T>
Identity identity_of(const IdentityScope&, const T&) {
    return {};
}

}  // namespace xc::model
