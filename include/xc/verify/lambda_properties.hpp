// lambda-invoke and lambda-data: what may call each function, and what each function may reach.
#pragma once

#include <xc/verify/api_properties.hpp>
#include <xc/verify/checker.hpp>
#include <xc/verify/role_permissions.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace xc::verify {

namespace detail {

// The APIs whose routes integrate `lambda`.
inline std::set<model::Vertex> integrating_apis(const model::Graph& g, model::Vertex lambda) {
    std::set<model::Vertex> apis;
    for (auto route : g.in(lambda, model::EdgeKind::integrates))
        for (auto api : g.in(route, model::EdgeKind::contains))
            if (g[api].kind == model::VertexKind::rest_api) apis.insert(api);
    return apis;
}

// An API's execution ARN (its deployed identity), with the id's stand-in where AWS assigns it.
inline std::string execution_arn(const Checker& checker, model::Vertex api) { return checker.graph().identity(api).arn().stand_in(); }

// DynamoDB actions each handler needs.
inline std::vector<std::string> needed_actions(const std::string& handler) {
    if (handler == "post-order") return {"dynamodb:PutItem"};
    if (handler == "get-orders") return {"dynamodb:Query"};
    if (handler == "get-order") return {"dynamodb:GetItem"};
    return {};
}

}  // namespace detail

inline void check_lambda_invoke(Checker& checker, model::Vertex lambda_vertex) {
    const auto& g = checker.graph();
    const auto& lambda = g.resource<model::Lambda>(lambda_vertex);
    const std::string property = "lambda-invoke";
    auto own = detail::integrating_apis(g, lambda_vertex);
    std::size_t before = checker.report().findings.size();
    for (const auto& p : lambda.invoke_permissions) {
        if (p.principal != "apigateway.amazonaws.com") {
            auto& f = checker.add(property, lambda_vertex, Verdict::violated,
                                  "the function may be invoked by '" + p.principal + "', not only API Gateway", p.path + "/principal");
            f.witness = {{"principal", p.principal}};
            f.fix = "grant lambda:InvokeFunction only to apigateway.amazonaws.com";
            continue;
        }
        if (p.source_api) {
            auto api = *g.find(p.source_api->scope + "/rest-api/" + p.source_api->name);
            if (!own.contains(api)) {
                auto& f = checker.add(property, lambda_vertex, Verdict::violated,
                                      "the permission names " + g[api].id + ", whose routes do not integrate this function", p.path + "/sourceApi");
                f.witness = {{"sourceArn", detail::execution_arn(checker, api) + p.source_path}};
                f.fix = "name the API whose routes call this function";
            }
            continue;
        }
        if (p.source_arn.empty()) {
            std::string other = "arn:aws:execute-api:" + checker.model().region + ":999999999999:xcotherapi/*/GET/";
            auto& f = checker.add(property, lambda_vertex, Verdict::violated,
                                  "the permission has no source ARN: any API Gateway API, in any account, can invoke the function "
                                  "(confused deputy)",
                                  p.path);
            f.witness = {{"principal", "apigateway.amazonaws.com"}, {"sourceArn", other}};
            f.fix = "set \"sourceApi\" to the function's own API (source ARN = its execution ARN + \"/*\")";
            continue;
        }
        // A literal source ARN: every ARN it admits must lie inside an own API's execution ARN.
        // An API whose id AWS assigns at deployment cannot be named by a literal written before
        // (model/identity.hpp): whatever that id turns out to be, every ARN the pattern admits
        // belongs to another API, so any admitted ARN is a witness. With known ids, the ARNs
        // outside every own API's execution ARN are the witnesses.
        std::vector<PatternConstraint> constraints{{Glob::from(policy::GlobPattern::wildcards(p.source_arn)), policy::CaseMode::Sensitive, true}};
        bool ids_assigned = false;
        for (auto api : own) {
            if (!g.identity(api).id.is_literal()) {
                ids_assigned = true;
                continue;
            }
            constraints.push_back({Glob::literal(detail::execution_arn(checker, api) + "/").append_run(false), policy::CaseMode::Sensitive, false});
        }
        Realisability r = realise(constraints);
        if (r.answer == Realisability::Answer::unknown) {
            checker.add(property, lambda_vertex, Verdict::undecided, "could not decide the source ARN's reach", p.path + "/sourceArn");
        } else if (r.answer == Realisability::Answer::realisable) {
            auto& f = checker.add(property, lambda_vertex, Verdict::violated,
                                  ids_assigned ? "the source ARN " + p.source_arn + " admits " + r.witness +
                                                     ", and cannot name the function's own API, whose id AWS assigns at deployment"
                                               : "the source ARN " + p.source_arn + " also admits " + r.witness +
                                                     ", outside the function's own API",
                                  p.path + "/sourceArn");
            f.witness = {{"principal", "apigateway.amazonaws.com"}, {"sourceArn", r.witness}};
            f.fix = ids_assigned ? "name the function's own API with \"sourceApi\" (source ARN = its execution ARN + \"/*\")"
                                 : "narrow the source ARN to the function's own API's execution ARN";
        }
    }
    if (checker.report().findings.size() == before)
        checker.add(property, lambda_vertex, Verdict::proved,
                    lambda.invoke_permissions.empty() ? "no invoke permission: nothing but its own account can invoke it"
                                                      : "only API Gateway, from the function's own API, may invoke it");
}

namespace detail {

// Asks the solver whether the role's identity policies allow, on DynamoDB, anything outside
// `needed` (the needed actions on the tables `tables` and their indexes).
inline QueryResult solve_role_data_access(Checker& checker, model::Vertex role_vertex, const std::vector<const policy::Policy*>& identity,
                                          const std::set<std::string>& actions, const std::set<std::string>& tables,
                                          const policy::AllowBound& needed) {
    const auto& g = checker.graph();
    const auto& m = checker.model();
    const auto& account = checker.account_of(role_vertex);
    auto lambdas = g.in(role_vertex, model::EdgeKind::executes_as);
    PolicyQuery q(checker.z3());
    for (const auto* p : identity) q.declare(*p);
    q.set_path(RequestPath::dynamodb_by_role);
    std::string arn = g.identity(role_vertex).arn().stand_in();
    // The role's sessions (a function runs as one, named after the function).
    q.set_callers(CallerSpace::only(CallerKind::role_session));
    q.caller_arn().fix(arn);
    std::vector<std::string> sessions;
    for (auto l : lambdas) sessions.push_back(g.identity(l).name.stand_in());
    q.caller_session().prefer(sessions);
    q.action().restrict({Glob::literal("dynamodb:").append_run(false), policy::CaseMode::Insensitive, true});
    q.action().prefer({"dynamodb:DeleteTable", "dynamodb:Scan", "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:DeleteItem"});
    q.resource_segment(0).prefer({"aws"});
    q.resource_segment(1).prefer({"dynamodb"});
    q.resource_segment(2).prefer({m.region});
    q.resource_segment(3).prefer({account.id});
    std::vector<std::string> parts;
    for (const auto& t : tables) parts.insert(parts.end(), {"table/" + t, "table/" + t + "/index/xc-index"});
    parts.push_back("table/xc-other-table");
    q.resource_segment(4).prefer(parts);
    q.set_resource_account(account.id);
    auto& ctx = checker.z3();
    z3::expr_vector needed_action(ctx), own(ctx);
    for (const auto& a : actions) needed_action.push_back(q.action().equals(a, policy::CaseMode::Insensitive));
    for (const auto& t : tables) {
        own.push_back(q.resource_segment(4).equals("table/" + t));
        own.push_back(q.resource_segment(4).matches(Glob::literal("table/" + t + "/index/").append_run(false), policy::CaseMode::Sensitive));
    }
    z3::expr own_resource = q.resource_segment(0).equals("aws") && q.resource_segment(1).equals("dynamodb") &&
                            q.resource_segment(2).equals(m.region) && q.resource_segment(3).equals(account.id) && z3::mk_or(own);
    Decision d{nullptr, identity, false, account.id};
    return q.solve(q.allowed(d) && !(z3::mk_or(needed_action) && own_resource), checker.options().timeout_ms, [&](const policy::Request& r) {
        return policy::decide(policy::PolicySet{identity, nullptr}, r).verdict == policy::Verdict::Allow && !needed.admits(r.action, r.resource);
    });
}

}  // namespace detail

// The role's identity policies grant, on DynamoDB, only what its functions' handlers need on
// their own tables and indexes.
inline void check_role_data_access(Checker& checker, model::Vertex role_vertex) {
    const auto& g = checker.graph();
    const auto& m = checker.model();
    const auto& role = g.resource<model::Role>(role_vertex);
    const std::string property = "lambda-data";
    auto lambdas = g.in(role_vertex, model::EdgeKind::executes_as);
    if (lambdas.empty()) return;
    const auto& account = checker.account_of(role_vertex);
    std::set<std::string> actions, tables;
    for (auto l : lambdas) {
        const auto& lambda = g.resource<model::Lambda>(l);
        for (const auto& a : detail::needed_actions(lambda.handler)) actions.insert(a);
        for (auto t : g.out(l, model::EdgeKind::uses_table)) tables.insert(g.identity(t).name.stand_in());
    }
    // Inline and attached managed policies alike; attachments xc does not know leave the answer open.
    RolePermissions permissions(role);
    std::vector<const policy::Policy*> identity = permissions.policies();
    const auto& docs = permissions.documents();
    const auto& unknown = permissions.unknown();
    auto undecided_by_unknown = [&](const std::string& known_result) {
        auto& f = checker.add(property, role_vertex, Verdict::undecided,
                              "the role attaches " + permissions.unknown_arns() + ", whose document xc does not know (a customer-managed "
                              "policy or an AWS-managed one not in xc's table): it may grant DynamoDB access beyond what its functions "
                              "need, or deny some; " + known_result,
                              unknown.front().path);
        f.fix = "attach only AWS-managed policies xc knows (include/xc/policy/aws_managed_policies.hpp), or state the permissions "
                "as inline policies";
    };
    // What the functions need, as IAM names it: the actions, and each own table's ARN and its indexes.
    policy::AllowBound needed{"dynamodb:", {actions.begin(), actions.end()}, {}, {}};
    for (const auto& t : tables) {
        needed.resources.push_back("arn:aws:dynamodb:" + m.region + ":" + account.id + ":table/" + t);
        needed.resource_prefixes.push_back(needed.resources.back() + "/index/");
    }
    try {
        // Statements that name only needed actions on own tables prove it without a solver
        // (policy/allow_bound.hpp); the solver decides the rest and finds the witness.
        QueryResult result{QueryResult::Answer::unsatisfiable, std::nullopt, {}};
        if (!policy::allows_within(identity, needed)) result = detail::solve_role_data_access(checker, role_vertex, identity, actions, tables, needed);
        if (result.answer == QueryResult::Answer::unknown) {
            checker.add(property, role_vertex, Verdict::undecided, "could not decide the role's DynamoDB reach: " + result.reason);
        } else if (!unknown.empty()) {
            undecided_by_unknown(result.answer == QueryResult::Answer::satisfiable
                                     ? "the policies xc knows already allow " + result.witness->request.action + " on " +
                                           result.witness->request.resource
                                     : "the policies xc knows grant no more than its functions need");
        } else if (result.answer == QueryResult::Answer::satisfiable) {
            const auto& r = result.witness->request;
            auto outcome = policy::decide(policy::PolicySet{identity, nullptr}, r);
            std::vector<StatementRef> refs;
            for (const auto& dcs : outcome.deciding)
                if (dcs.policy < docs.size())
                    refs.push_back(StatementRef{docs[dcs.policy]->path, dcs.statement, dcs.sid.value_or(""), std::string(policy::to_string(dcs.effect))});
            auto& f = checker.add(property, role_vertex, Verdict::violated,
                                  "the role allows " + r.action + " on " + r.resource + ", beyond what its functions need", role.path);
            f.witness = to_json(r);
            f.statements = refs;
            if (!refs.empty()) f.path = refs.front().path();
            std::string need;
            for (const auto& a : actions) need += (need.empty() ? "" : ", ") + a;
            f.fix = "grant only " + need + " on the function's table and its indexes";
        } else {
            std::string need;
            for (const auto& a : actions) need += (need.empty() ? "" : ", ") + a;
            checker.add(property, role_vertex, Verdict::proved,
                        "on DynamoDB the role grants at most " + need + " on its functions' own tables and indexes", role.path);
        }
    } catch (const Unsupported& e) {
        checker.add(property, role_vertex, Verdict::undecided, std::string("not decided: ") + e.what(), role.path);
    }
}

// The function is in a VPC whose route tables send DynamoDB traffic to the gateway endpoint.
inline void check_lambda_network(Checker& checker, model::Vertex lambda_vertex) {
    const auto& g = checker.graph();
    const auto& lambda = g.resource<model::Lambda>(lambda_vertex);
    const std::string property = "lambda-data";
    if (g.out(lambda_vertex, model::EdgeKind::uses_table).empty()) return;
    auto subnets = g.out(lambda_vertex, model::EdgeKind::in_subnet);
    if (subnets.empty()) {
        auto& f = checker.add(property, lambda_vertex, Verdict::violated,
                              "the function is not in a VPC: it reaches DynamoDB over the public endpoint", lambda.path);
        f.witness = {{"network", "outside any VPC"}, {"dynamodb", "dynamodb." + checker.model().region + ".amazonaws.com"}};
        f.fix = "place the function in private subnets whose route tables use a DynamoDB gateway endpoint";
        return;
    }
    for (auto subnet : subnets) {
        bool via_endpoint = false;
        for (auto rt : g.out(subnet, model::EdgeKind::uses_route_table))
            for (auto target : g.out(rt, model::EdgeKind::routes_to))
                if (g[target].kind == model::VertexKind::vpc_endpoint && g.resource<model::VpcEndpoint>(target).service == "dynamodb")
                    via_endpoint = true;
        if (!via_endpoint) {
            auto& f = checker.add(property, lambda_vertex, Verdict::violated,
                                  "subnet " + g[subnet].id + " has no route to a DynamoDB gateway endpoint", lambda.path + "/network/subnets");
            f.witness = {{"subnet", g[subnet].id}};
            f.fix = "associate the subnet's route table with the DynamoDB gateway endpoint";
            return;
        }
    }
    checker.add(property, lambda_vertex, Verdict::proved, "in a VPC whose every subnet reaches DynamoDB through the gateway endpoint");
}

}  // namespace xc::verify
