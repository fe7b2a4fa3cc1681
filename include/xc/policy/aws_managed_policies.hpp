// The AWS-managed policies xc knows: the documents of the policies a role may attach by ARN
// ("managedPolicies"), so a role's effective permissions are its inline policies plus these.
//
// Each row is one policy at one version, copied from AWS's "AWS Managed Policy Reference Guide"
// (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/<name>.html: "Policy version"
// and "JSON policy document"). AWS edits its managed policies in place (a new default version);
// when it does, a row here describes an older version: update the row (document, version, date)
// from its page. An attachment that is not in this table (a customer-managed policy, or an
// AWS-managed one not listed) is unknown to xc: a property it could change is UNDECIDED, never
// proved as if the attachment granted nothing.
#pragma once

#include <xc/policy/parse.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <string>
#include <string_view>

namespace xc::policy {

struct AwsManagedPolicy {
    std::string_view name;
    std::string_view arn;
    std::string_view version;   // the default version the document is
    std::string_view edited;    // "Edited time" of that version, as the reference states it
    std::string_view source;    // the page the document was copied from
    std::string_view document;  // the JSON policy document, as published
};

inline constexpr std::array<AwsManagedPolicy, 6> aws_managed_policies{{
    {"AWSLambdaBasicExecutionRole", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "v1",
     "2015-04-09T15:03Z", "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream",
"logs:PutLogEvents"],"Resource":"*"}]})"},
    {"AWSLambdaVPCAccessExecutionRole", "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole", "v3",
     "2024-01-05T22:38Z", "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html",
     R"({"Version":"2012-10-17","Statement":[{"Sid":"AWSLambdaVPCAccessExecutionPermissions","Effect":"Allow","Action":[
"logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents","ec2:CreateNetworkInterface","ec2:DescribeNetworkInterfaces",
"ec2:DescribeSubnets","ec2:DeleteNetworkInterface","ec2:AssignPrivateIpAddresses","ec2:UnassignPrivateIpAddresses"],
"Resource":"*"}]})"},
    {"AWSLambdaENIManagementAccess", "arn:aws:iam::aws:policy/service-role/AWSLambdaENIManagementAccess", "v2",
     "2020-10-01T20:07Z", "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaENIManagementAccess.html",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:CreateNetworkInterface",
"ec2:DescribeNetworkInterfaces","ec2:DeleteNetworkInterface","ec2:AssignPrivateIpAddresses","ec2:UnassignPrivateIpAddresses"],
"Resource":"*"}]})"},
    {"AWSLambdaRole", "arn:aws:iam::aws:policy/service-role/AWSLambdaRole", "v1", "2015-02-06T18:41Z",
     "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaRole.html",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":["*"]}]})"},
    {"AmazonDynamoDBReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess", "v15", "2024-11-18T17:38Z",
     "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonDynamoDBReadOnlyAccess.html",
     R"({"Version":"2012-10-17","Statement":[{"Sid":"GeneralReadOnlyAccess","Action":[
"application-autoscaling:DescribeScalableTargets","application-autoscaling:DescribeScalingActivities",
"application-autoscaling:DescribeScalingPolicies","cloudwatch:DescribeAlarmHistory","cloudwatch:DescribeAlarms",
"cloudwatch:DescribeAlarmsForMetric","cloudwatch:GetMetricStatistics","cloudwatch:ListMetrics","cloudwatch:GetMetricData",
"datapipeline:DescribeObjects","datapipeline:DescribePipelines","datapipeline:GetPipelineDefinition",
"datapipeline:ListPipelines","datapipeline:QueryObjects","dynamodb:BatchGetItem","dynamodb:Describe*","dynamodb:List*",
"dynamodb:GetAbacStatus","dynamodb:GetItem","dynamodb:GetResourcePolicy","dynamodb:Query","dynamodb:Scan",
"dynamodb:PartiQLSelect","dax:Describe*","dax:List*","dax:GetItem","dax:BatchGetItem","dax:Query","dax:Scan",
"ec2:DescribeVpcs","ec2:DescribeSubnets","ec2:DescribeSecurityGroups","iam:GetRole","iam:ListRoles","kms:DescribeKey",
"kms:ListAliases","sns:ListSubscriptionsByTopic","sns:ListTopics","lambda:ListFunctions","lambda:ListEventSourceMappings",
"lambda:GetFunctionConfiguration","resource-groups:ListGroups","resource-groups:ListGroupResources","resource-groups:GetGroup",
"resource-groups:GetGroupQuery","tag:GetResources","kinesis:ListStreams","kinesis:DescribeStream",
"kinesis:DescribeStreamSummary"],"Effect":"Allow","Resource":"*"},{"Sid":"CCIAccess","Action":
"cloudwatch:GetInsightRuleReport","Effect":"Allow","Resource":
"arn:aws:cloudwatch:*:*:insight-rule/DynamoDBContributorInsights*"}]})"},
    {"AmazonDynamoDBFullAccess", "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess", "v15", "2021-01-29T17:38Z",
     "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonDynamoDBFullAccess.html",
     R"({"Version":"2012-10-17","Statement":[{"Action":["dynamodb:*","dax:*","application-autoscaling:DeleteScalingPolicy",
"application-autoscaling:DeregisterScalableTarget","application-autoscaling:DescribeScalableTargets",
"application-autoscaling:DescribeScalingActivities","application-autoscaling:DescribeScalingPolicies",
"application-autoscaling:PutScalingPolicy","application-autoscaling:RegisterScalableTarget","cloudwatch:DeleteAlarms",
"cloudwatch:DescribeAlarmHistory","cloudwatch:DescribeAlarms","cloudwatch:DescribeAlarmsForMetric",
"cloudwatch:GetMetricStatistics","cloudwatch:ListMetrics","cloudwatch:PutMetricAlarm","cloudwatch:GetMetricData",
"datapipeline:ActivatePipeline","datapipeline:CreatePipeline","datapipeline:DeletePipeline","datapipeline:DescribeObjects",
"datapipeline:DescribePipelines","datapipeline:GetPipelineDefinition","datapipeline:ListPipelines",
"datapipeline:PutPipelineDefinition","datapipeline:QueryObjects","ec2:DescribeVpcs","ec2:DescribeSubnets",
"ec2:DescribeSecurityGroups","iam:GetRole","iam:ListRoles","kms:DescribeKey","kms:ListAliases","sns:CreateTopic",
"sns:DeleteTopic","sns:ListSubscriptions","sns:ListSubscriptionsByTopic","sns:ListTopics","sns:Subscribe","sns:Unsubscribe",
"sns:SetTopicAttributes","lambda:CreateFunction","lambda:ListFunctions","lambda:ListEventSourceMappings",
"lambda:CreateEventSourceMapping","lambda:DeleteEventSourceMapping","lambda:GetFunctionConfiguration",
"lambda:DeleteFunction","resource-groups:ListGroups","resource-groups:ListGroupResources","resource-groups:GetGroup",
"resource-groups:GetGroupQuery","resource-groups:DeleteGroup","resource-groups:CreateGroup","tag:GetResources",
"kinesis:ListStreams","kinesis:DescribeStream","kinesis:DescribeStreamSummary"],"Effect":"Allow","Resource":"*"},
{"Action":"cloudwatch:GetInsightRuleReport","Effect":"Allow","Resource":
"arn:aws:cloudwatch:*:*:insight-rule/DynamoDBContributorInsights*"},{"Action":["iam:PassRole"],"Effect":"Allow",
"Resource":"*","Condition":{"StringLike":{"iam:PassedToService":["application-autoscaling.amazonaws.com",
"application-autoscaling.amazonaws.com.cn","dax.amazonaws.com"]}}},{"Effect":"Allow","Action":[
"iam:CreateServiceLinkedRole"],"Resource":"*","Condition":{"StringEquals":{"iam:AWSServiceName":[
"replication.dynamodb.amazonaws.com","dax.amazonaws.com","dynamodb.application-autoscaling.amazonaws.com",
"contributorinsights.dynamodb.amazonaws.com","kinesisreplication.dynamodb.amazonaws.com"]}}}]})"},
}};

// The row for `arn`, or nullptr when xc does not know that policy. ARNs compare exactly (IAM
// policy ARNs are case-sensitive); only the "aws" partition's documents are in the table.
inline const AwsManagedPolicy* find_aws_managed_policy(std::string_view arn) {
    for (const auto& p : aws_managed_policies)
        if (p.arn == arn) return &p;
    return nullptr;
}

// The parsed document of a row (parsed once; the table's documents are tested to parse).
inline const Policy& parsed(const AwsManagedPolicy& p) {
    static const auto all = [] {
        std::array<Policy, aws_managed_policies.size()> out;
        for (std::size_t i = 0; i < aws_managed_policies.size(); ++i)
            out[i] = parse_text(aws_managed_policies[i].document, "/" + std::string(aws_managed_policies[i].name));
        return out;
    }();
    return all[static_cast<std::size_t>(&p - aws_managed_policies.data())];
}

// The document of a row as JSON (parsed once: every role attaching it shares the text's parse).
inline const nlohmann::json& document_json(const AwsManagedPolicy& p) {
    static const auto all = [] {
        std::array<nlohmann::json, aws_managed_policies.size()> out;
        for (std::size_t i = 0; i < aws_managed_policies.size(); ++i) out[i] = nlohmann::json::parse(aws_managed_policies[i].document);
        return out;
    }();
    return all[static_cast<std::size_t>(&p - aws_managed_policies.data())];
}

}  // namespace xc::policy
