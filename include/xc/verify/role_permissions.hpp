// A role's effective identity policies: its inline policies and the managed policies it
// attaches. IAM evaluates every identity-based policy attached to the principal together ("Policy
// evaluation logic": identity-based policies include inline and managed policies), so a proof
// about what a role may do must read the attachments too. The documents of AWS-managed policies
// come from the table in policy/aws_managed_policies.hpp; an attachment that is not in it
// (customer-managed, or an AWS-managed policy xc does not ship) is listed as unknown, and the
// property asking must answer UNDECIDED naming it — never treat it as granting nothing.
#pragma once

#include <xc/model/model.hpp>
#include <xc/policy/aws_managed_policies.hpp>

#include <array>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace xc::verify {

// The body of a managed policy in the table, made once and shared by every role attaching it.
inline const std::shared_ptr<const model::PolicyBody>& managed_policy_body(const policy::AwsManagedPolicy& p) {
    static const auto all = [] {
        std::array<std::shared_ptr<const model::PolicyBody>, policy::aws_managed_policies.size()> out;
        for (std::size_t i = 0; i < out.size(); ++i) {
            const auto& row = policy::aws_managed_policies[i];
            out[i] = std::make_shared<const model::PolicyBody>(model::PolicyBody{policy::document_json(row), policy::parsed(row)});
        }
        return out;
    }();
    return all[static_cast<std::size_t>(&p - policy::aws_managed_policies.data())];
}

struct UnknownAttachment {
    std::string arn;
    std::string path;  // where the model attaches it
};

class RolePermissions {
public:
    explicit RolePermissions(const model::Role& role) {
        for (const auto& [_, p] : role.policies) documents_.push_back(&p);
        for (std::size_t i = 0; i < role.managed_policies.size(); ++i) {
            const std::string& arn = role.managed_policies[i];
            std::string path = role.path + "/managedPolicies/" + std::to_string(i);
            const auto* known = policy::find_aws_managed_policy(arn);
            if (!known) {
                unknown_.push_back({arn, std::move(path)});
                continue;
            }
            // Located at the attachment: a deciding statement of a managed policy points at the
            // ARN that attaches it (its Statement index is the AWS document's).
            managed_.push_back(model::PolicyDocument(managed_policy_body(*known), std::move(path)));
            documents_.push_back(&managed_.back());
        }
    }
    RolePermissions(const RolePermissions&) = delete;
    RolePermissions& operator=(const RolePermissions&) = delete;

    // Every identity policy xc knows the document of, inline first, then attachments in order.
    const std::vector<const model::PolicyDocument*>& documents() const { return documents_; }
    std::vector<const policy::Policy*> policies() const {
        std::vector<const policy::Policy*> out;
        for (const auto* d : documents_) out.push_back(&d->parsed());
        return out;
    }
    // Attachments whose documents xc does not know.
    const std::vector<UnknownAttachment>& unknown() const { return unknown_; }
    std::string unknown_arns() const {
        std::string out;
        for (const auto& u : unknown_) out += (out.empty() ? "" : ", ") + u.arn;
        return out;
    }

private:
    std::deque<model::PolicyDocument> managed_;  // stable addresses for documents_
    std::vector<const model::PolicyDocument*> documents_;
    std::vector<UnknownAttachment> unknown_;
};

}  // namespace xc::verify
