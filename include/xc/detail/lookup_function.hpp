// xc's lookup function for CloudFormation: reads of existing infrastructure that CloudFormation
// has no intrinsic or resource for (Terraform: data sources), as one small inline Lambda behind
// `Custom::XcLookup` resources. The CloudFormation emitter writes it; the CloudFormation reader
// recognises it by exactly these settings (input must not depend on emit, so both include this).
//
//   Kind network_interface  (Id)                  -> PrivateIp   the ALB targets: the execute-api endpoint's ENI IPs
//   Kind prefix_list        (Name)                -> Id          a gateway endpoint's prefix list (security group rules)
//   Kind vpc_endpoint       (TagName)             -> Id          phase 3: the consumer's endpoint, found by Name tag
//   Kind ram_resource_share (Name)                -> ResourceArn phase 3: the domain a service shared with this account
//   Kind deployment         (RestApiId)           -> (its physical id: a new deployment of the API)
//
// Lookups need only Describe/Get/List permissions and deleting one does nothing. A deployment
// (Custom::XcDeployment, see cloudformation.hpp) is the one write: Create and every Update make
// a new deployment of the API (a new physical id, so CloudFormation deletes the previous one
// once the stage points at the new one); Delete deletes it.
#pragma once

namespace xc::detail::lookup_function {

inline constexpr const char* runtime = "python3.12";
inline constexpr const char* handler = "index.handler";
inline constexpr const char* code = R"py(import boto3
import cfnresponse


def lookup(p):
    kind = p["Kind"]
    if kind == "network_interface":
        ni = boto3.client("ec2").describe_network_interfaces(NetworkInterfaceIds=[p["Id"]])["NetworkInterfaces"][0]
        return {"PrivateIp": ni["PrivateIpAddress"]}
    if kind == "prefix_list":
        lists = boto3.client("ec2").describe_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": [p["Name"]]}])["PrefixLists"]
        if len(lists) != 1:
            raise Exception("expected one prefix list named %s, found %d" % (p["Name"], len(lists)))
        return {"Id": lists[0]["PrefixListId"]}
    if kind == "vpc_endpoint":
        eps = boto3.client("ec2").describe_vpc_endpoints(Filters=[{"Name": "tag:Name", "Values": [p["TagName"]]}])["VpcEndpoints"]
        eps = [e for e in eps if e["State"].lower() not in ("deleted", "deleting", "failed", "rejected")]
        if len(eps) != 1:
            raise Exception("expected one VPC endpoint tagged Name=%s, found %d" % (p["TagName"], len(eps)))
        return {"Id": eps[0]["VpcEndpointId"]}
    if kind == "ram_resource_share":
        ram = boto3.client("ram")
        shares = ram.get_resource_shares(resourceOwner="OTHER-ACCOUNTS", name=p["Name"], resourceShareStatus="ACTIVE")["resourceShares"]
        if len(shares) != 1:
            raise Exception("expected one active RAM share named %s shared with this account, found %d (accepted?)" % (p["Name"], len(shares)))
        res = ram.list_resources(resourceOwner="OTHER-ACCOUNTS", resourceShareArns=[shares[0]["resourceShareArn"]])["resources"]
        if not res:
            raise Exception("RAM share %s holds no resource" % p["Name"])
        return {"ResourceArn": res[0]["arn"]}
    raise Exception("unknown lookup kind " + kind)


def deployment(event):
    p = event["ResourceProperties"]
    apigateway = boto3.client("apigateway")
    if event["RequestType"] == "Delete":
        try:
            apigateway.delete_deployment(restApiId=p["RestApiId"], deploymentId=event["PhysicalResourceId"])
        except (apigateway.exceptions.NotFoundException, apigateway.exceptions.BadRequestException):
            pass  # gone with its API, or never created (a failed Create)
        return event["PhysicalResourceId"]
    return apigateway.create_deployment(restApiId=p["RestApiId"], description="xc: " + p["Redeployment"][:16])["id"]


def handler(event, context):
    try:
        if event["ResourceProperties"]["Kind"] == "deployment":
            cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, deployment(event))
            return
        data = {} if event["RequestType"] == "Delete" else lookup(event["ResourceProperties"])
        cfnresponse.send(event, context, cfnresponse.SUCCESS, data, event.get("PhysicalResourceId") or event["LogicalResourceId"])
    except Exception as e:
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, event.get("PhysicalResourceId") or event["LogicalResourceId"], reason=str(e))
)py";

}  // namespace xc::detail::lookup_function
