// Property test of the symbolic policy query against the concrete evaluator, on random policies
// from the policy language's differential generator:
//  * PROVED ("no allowed request comes from outside vpce-1") -> no sampled request is a
//    counterexample under the concrete evaluator;
//  * VIOLATED -> the witness is allowed by the concrete evaluator and comes from elsewhere.
#include <xc/verify/policy_query.hpp>

#include "differential.hpp"

#include <gtest/gtest.h>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace property_test {

namespace {

using namespace xc;
using policy::difftest::Generator;

const std::string consumer_vpce = "vpce-1";

// What AWS (and the symbolic query, caller_space.hpp) puts in the context for the caller: a
// role ARN as a request principal stands for a session of that role (it selects the same
// Principal entries), whose aws:PrincipalArn is the role's ARN.
void make_principal_keys_consistent(policy::Request& r) {
    r.context.erase("aws:PrincipalArn");
    r.context.erase("aws:PrincipalAccount");
    if (!r.principal) {
        verify::set_principal_keys(r.context, verify::CallerKind::anonymous, {});
        return;
    }
    if (r.principal->type != policy::PrincipalType::AWS) {  // a service's account: none of the customer's
        r.context.set("aws:PrincipalAccount", "000000000000");
        return;
    }
    std::string arn = r.principal->id;
    if (auto role = policy::detail::role_of(arn)) {
        r.principal->id = "arn:aws:sts::" + std::string(role->first) + ":assumed-role/" + std::string(role->second) + "/pool-session";
    } else if (auto session = policy::detail::assumed_role_of(arn)) {
        arn = "arn:aws:iam::" + std::string(session->first) + ":role/" + std::string(session->second);
    }
    verify::set_principal_keys(r.context, verify::CallerKind::user, arn);
}

bool from_consumer(const policy::Request& r) {
    const auto* v = r.context.find("aws:SourceVpce");
    return v && !v->multi_valued && v->values.size() == 1 && v->values.front() == consumer_vpce;
}

}  // namespace

TEST(VerifyProperty, SymbolicVerdictsAgreeWithTheConcreteEvaluator) {
    // XC_PROPERTY_CASES / XC_PROPERTY_SEED run more (CI: 300 policies).
    const int cases = std::getenv("XC_PROPERTY_CASES") ? std::atoi(std::getenv("XC_PROPERTY_CASES")) : 300;
    const std::uint64_t seed = std::getenv("XC_PROPERTY_SEED") ? std::strtoull(std::getenv("XC_PROPERTY_SEED"), nullptr, 10) : 20261127;
    Generator policies(seed), samples(7);
    std::vector<policy::Request> pool;
    for (int i = 0; i < 3000; ++i) {
        auto x = policy::difftest::to_xc(samples.next());
        auto& r = x.request;
        // Only requests to the API under test, from a candidate caller.
        if (r.resource.find(":abc123/") == std::string::npos) continue;
        make_principal_keys_consistent(r);
        pool.push_back(r);
        // The same request from the consumer's endpoint, and from no endpoint at all.
        policy::Request via_consumer = r, via_none = r;
        via_consumer.context.set("aws:SourceVpce", consumer_vpce);
        via_none.context.erase("aws:SourceVpce");
        pool.push_back(via_consumer);
        pool.push_back(via_none);
    }
    ASSERT_GT(pool.size(), 3000u);

    z3::context ctx;
    int proved = 0, violated = 0, undecided = 0;
    for (int i = 0; i < cases; ++i) {
        auto c = policies.next();
        auto pol = policy::attach_to_api(policy::parse(c.xc_resource_policy, "/policy"), policy::difftest::kApi);
        verify::QueryResult result;
        try {
            verify::PolicyQuery q(ctx);
            q.declare(pol);
            auto everyone = verify::CallerSpace::everyone();
            everyone.customer_accounts = {policy::difftest::kApiAccount, policy::difftest::kOtherAccount};
            q.set_callers(everyone);
            q.resource_segment(0).fix("aws");
            q.resource_segment(1).fix("execute-api");
            q.resource_segment(2).fix("us-east-1");
            q.resource_segment(3).fix(policy::difftest::kApiAccount);
            q.resource_segment(4).restrict({verify::Glob::literal("abc123/").append_run(false), policy::CaseMode::Sensitive, true});
            q.set_resource_account(policy::difftest::kApiAccount);
            auto& vpce = q.text_key("aws:sourcevpce");
            verify::Decision d{&pol, {}, false, policy::difftest::kApiAccount};
            auto concrete = [&](const policy::Request& r) {
                return policy::decide(pol, r).verdict == policy::Verdict::Allow && !from_consumer(r);
            };
            result = q.solve(q.allowed(d) && !(*vpce.present && vpce.texts[0]->equals(consumer_vpce)), 10000, concrete);
        } catch (const verify::Unsupported&) {
            ++undecided;
            continue;
        } catch (const InternalError& e) {
            ADD_FAILURE() << e.what() << "\npolicy: " << c.xc_resource_policy.dump();
            continue;
        }
        if (result.answer == verify::QueryResult::Answer::unknown) {
            ++undecided;
            continue;
        }
        if (result.answer == verify::QueryResult::Answer::satisfiable) {
            ++violated;
            const auto& w = result.witness->request;
            EXPECT_EQ(policy::decide(pol, w).verdict, policy::Verdict::Allow) << c.xc_resource_policy.dump();
            EXPECT_FALSE(from_consumer(w)) << c.xc_resource_policy.dump();
            continue;
        }
        ++proved;
        for (const auto& r : pool)
            if (policy::decide(pol, r).verdict == policy::Verdict::Allow && !from_consumer(r)) {
                ADD_FAILURE() << "PROVED, but the evaluator allows " << verify::PolicyQuery::describe(r) << "\npolicy: " << c.xc_resource_policy.dump();
                break;
            }
    }
    // Both verdicts must occur often enough for the comparison to mean something.
    EXPECT_GT(proved, cases / 10);
    EXPECT_GT(violated, cases / 10);
    EXPECT_LT(undecided, cases / 2);
    std::printf("property test: %d proved, %d violated, %d undecided\n", proved, violated, undecided);
}

}  // namespace property_test
