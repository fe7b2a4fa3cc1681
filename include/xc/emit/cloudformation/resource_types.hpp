// How lowered resource kinds map onto CloudFormation.
//
// Most kinds are one CloudFormation resource type. Some lowered kinds are, in CloudFormation,
// a property of another resource ("folded" into it): the lowering keeps Terraform's separate
// association resources, CloudFormation has none for them. A few kinds have no CloudFormation
// resource at all (the TLS provider's key and self-signed certificate): the certificate becomes
// a parameter (an ACM ARN the deployer imports). Tests use these tables to check that both
// targets describe the same infrastructure.
#pragma once

#include <xc/emit/lowering/stack.hpp>

#include <map>
#include <set>
#include <string>

namespace xc::emit::cloudformation {

// A private custom domain (API Gateway's *V2 resources) versus a public/regional one.
inline bool is_private_domain(const lowering::Resource& r) {
    if (r.kind == "base_path_mapping") return r.property("domain_name_id") != nullptr;
    const auto* ec = r.property("endpoint_configuration");
    const auto* types = ec ? ec->find("types") : nullptr;
    return types && !types->items.empty() && types->items.front().text == "PRIVATE";
}

inline std::string resource_type(const lowering::Resource& r) {
    static const std::map<std::string, std::string> types{
        {"vpc", "AWS::EC2::VPC"},
        {"internet_gateway", "AWS::EC2::InternetGateway"},
        {"route_table", "AWS::EC2::RouteTable"},
        {"route", "AWS::EC2::Route"},
        {"subnet", "AWS::EC2::Subnet"},
        {"route_table_association", "AWS::EC2::SubnetRouteTableAssociation"},
        {"security_group", "AWS::EC2::SecurityGroup"},
        {"security_group_ingress_rule", "AWS::EC2::SecurityGroupIngress"},
        {"security_group_egress_rule", "AWS::EC2::SecurityGroupEgress"},
        {"vpc_endpoint", "AWS::EC2::VPCEndpoint"},
        {"load_balancer", "AWS::ElasticLoadBalancingV2::LoadBalancer"},
        {"target_group", "AWS::ElasticLoadBalancingV2::TargetGroup"},
        {"listener", "AWS::ElasticLoadBalancingV2::Listener"},
        {"listener_certificate", "AWS::ElasticLoadBalancingV2::ListenerCertificate"},
        {"listener_rule", "AWS::ElasticLoadBalancingV2::ListenerRule"},
        {"hosted_zone", "AWS::Route53::HostedZone"},
        {"dns_record", "AWS::Route53::RecordSet"},
        {"kms_key", "AWS::KMS::Key"},
        {"secret", "AWS::SecretsManager::Secret"},
        {"secret_policy", "AWS::SecretsManager::ResourcePolicy"},
        {"role", "AWS::IAM::Role"},
        {"role_policy", "AWS::IAM::RolePolicy"},
        {"instance_profile", "AWS::IAM::InstanceProfile"},
        {"instance", "AWS::EC2::Instance"},
        {"table", "AWS::DynamoDB::Table"},
        {"log_group", "AWS::Logs::LogGroup"},
        {"function", "AWS::Lambda::Function"},
        {"lambda_permission", "AWS::Lambda::Permission"},
        {"rest_api", "AWS::ApiGateway::RestApi"},
        {"deployment", "Custom::XcDeployment"},  // see StackPrinter::properties: redeploys on parameter changes
        {"stage", "AWS::ApiGateway::Stage"},
        {"domain_name_access_association", "AWS::ApiGateway::DomainNameAccessAssociation"},
        {"ram_resource_share", "AWS::RAM::ResourceShare"},
    };
    if (r.kind == "domain_name") return is_private_domain(r) ? "AWS::ApiGateway::DomainNameV2" : "AWS::ApiGateway::DomainName";
    if (r.kind == "base_path_mapping")
        return is_private_domain(r) ? "AWS::ApiGateway::BasePathMappingV2" : "AWS::ApiGateway::BasePathMapping";
    auto it = types.find(r.kind);
    if (it == types.end()) throw lowering::LoweringError("the CloudFormation printer has no resource type for kind '" + r.kind + "'");
    return it->second;
}

// Kinds that become a property of another resource: kind -> (the lowered property naming the
// owner by reference, the owner's kind, the owner's CloudFormation property).
struct Fold {
    std::string owner_property;
    std::string owner_kind;
    std::string cfn_property;
};
inline const std::map<std::string, Fold>& folds() {
    static const std::map<std::string, Fold> f{
        {"vpc_endpoint_route_table_association", {"vpc_endpoint_id", "vpc_endpoint", "RouteTableIds"}},
        {"role_policy_attachment", {"role", "role", "ManagedPolicyArns"}},
        {"secret_version", {"secret_id", "secret", "SecretString"}},
        {"target_group_attachment", {"target_group_arn", "target_group", "Targets"}},
        {"ram_resource_association", {"resource_share_arn", "ram_resource_share", "ResourceArns"}},
        {"ram_principal_association", {"resource_share_arn", "ram_resource_share", "Principals"}},
    };
    return f;
}

// Kinds with no CloudFormation resource: the deployer brings an ACM certificate (parameter).
inline const std::set<std::string>& parameter_kinds() {
    static const std::set<std::string> k{"private_key", "self_signed_certificate", "certificate"};
    return k;
}

// Resources only the CloudFormation target has, and why.
inline const std::map<std::string, std::string>& cloudformation_only_types() {
    static const std::map<std::string, std::string> t{
        {"AWS::EC2::VPCGatewayAttachment", "Terraform's aws_internet_gateway attaches itself (vpc_id); CloudFormation needs the attachment"},
        {"AWS::Lambda::Function", "the lookup function: reads what CloudFormation cannot (ENI IPs, prefix lists, tagged endpoints, RAM shares)"},
        {"AWS::IAM::Role", "the lookup function's role"},
        {"Custom::XcLookup", "one read through the lookup function (Terraform: a data source)"},
    };
    return t;
}

}  // namespace xc::emit::cloudformation
