// How lowered resource kinds map onto Terraform: the provider resource / data source type,
// which properties are nested blocks (the rest are arguments), and which attributes are sets
// (indexed through tolist()).
#pragma once

#include <xc/emit/lowering/stack.hpp>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

namespace xc::emit::terraform {

inline const std::string& resource_type(const std::string& kind) {
    static const std::unordered_map<std::string_view, std::string> types{  // asked per resource and reference
        {"vpc", "aws_vpc"},
        {"internet_gateway", "aws_internet_gateway"},
        {"route_table", "aws_route_table"},
        {"route", "aws_route"},
        {"subnet", "aws_subnet"},
        {"route_table_association", "aws_route_table_association"},
        {"vpc_endpoint_route_table_association", "aws_vpc_endpoint_route_table_association"},
        {"security_group", "aws_security_group"},
        {"security_group_ingress_rule", "aws_vpc_security_group_ingress_rule"},
        {"security_group_egress_rule", "aws_vpc_security_group_egress_rule"},
        {"vpc_endpoint", "aws_vpc_endpoint"},
        {"private_key", "tls_private_key"},
        {"self_signed_certificate", "tls_self_signed_cert"},
        {"certificate", "aws_acm_certificate"},
        {"load_balancer", "aws_lb"},
        {"target_group", "aws_lb_target_group"},
        {"target_group_attachment", "aws_lb_target_group_attachment"},
        {"listener", "aws_lb_listener"},
        {"listener_certificate", "aws_lb_listener_certificate"},
        {"listener_rule", "aws_lb_listener_rule"},
        {"hosted_zone", "aws_route53_zone"},
        {"dns_record", "aws_route53_record"},
        {"kms_key", "aws_kms_key"},
        {"secret", "aws_secretsmanager_secret"},
        {"secret_policy", "aws_secretsmanager_secret_policy"},
        {"secret_version", "aws_secretsmanager_secret_version"},
        {"role", "aws_iam_role"},
        {"role_policy_attachment", "aws_iam_role_policy_attachment"},
        {"role_policy", "aws_iam_role_policy"},
        {"instance_profile", "aws_iam_instance_profile"},
        {"instance", "aws_instance"},
        {"table", "aws_dynamodb_table"},
        {"log_group", "aws_cloudwatch_log_group"},
        {"function", "aws_lambda_function"},
        {"lambda_permission", "aws_lambda_permission"},
        {"rest_api", "aws_api_gateway_rest_api"},
        {"deployment", "aws_api_gateway_deployment"},
        {"stage", "aws_api_gateway_stage"},
        {"domain_name", "aws_api_gateway_domain_name"},
        {"base_path_mapping", "aws_api_gateway_base_path_mapping"},
        {"domain_name_access_association", "aws_api_gateway_domain_name_access_association"},
        {"ram_resource_share", "aws_ram_resource_share"},
        {"ram_resource_association", "aws_ram_resource_association"},
        {"ram_principal_association", "aws_ram_principal_association"},
    };
    auto it = types.find(kind);
    if (it == types.end()) throw lowering::LoweringError("the Terraform printer has no resource type for kind '" + kind + "'");
    return it->second;
}

inline const std::string& data_source_type(const std::string& kind) {
    static const std::unordered_map<std::string_view, std::string> types{  // asked per resource and reference
        {"secret_version", "aws_secretsmanager_secret_version"},
        {"network_interface", "aws_network_interface"},
        {"ssm_parameter", "aws_ssm_parameter"},
        {"vpc_endpoint", "aws_vpc_endpoint"},
        {"ram_resource_share", "aws_ram_resource_share"},
    };
    auto it = types.find(kind);
    if (it == types.end()) throw lowering::LoweringError("the Terraform printer has no data source for kind '" + kind + "'");
    return it->second;
}

// Properties printed as nested blocks ("outer.inner" for blocks inside blocks): those of
// `type`, or nullptr when it has none.
inline const std::set<std::string, std::less<>>* blocks_of(const std::string& type) {
    static const std::map<std::string, std::set<std::string, std::less<>>, std::less<>> blocks{
        {"tls_self_signed_cert", {"subject"}},
        {"aws_lb_target_group", {"health_check"}},
        {"aws_lb_listener", {"default_action"}},
        {"aws_lb_listener_rule", {"action", "condition", "condition.host_header"}},
        {"aws_route53_zone", {"vpc"}},
        {"aws_route53_record", {"alias"}},
        {"aws_dynamodb_table", {"attribute", "global_secondary_index"}},
        {"aws_lambda_function", {"vpc_config", "environment"}},
        {"aws_api_gateway_rest_api", {"endpoint_configuration"}},
        {"aws_api_gateway_domain_name", {"endpoint_configuration"}},
        {"aws_instance", {"metadata_options"}},
    };
    auto it = blocks.find(type);
    return it == blocks.end() ? nullptr : &it->second;
}
inline bool is_block(const std::string& type, const std::string& path) {
    const auto* blocks = blocks_of(type);
    return blocks && blocks->contains(path);
}

// Set-typed attributes: indexing one needs tolist().
inline bool is_set_attribute(const std::string& attribute) { return attribute == "network_interface_ids"; }

// Which provider a resource type belongs to.
inline std::string_view provider_of(std::string_view type) { return type.substr(0, type.find('_')); }

}  // namespace xc::emit::terraform
