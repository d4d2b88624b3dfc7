#!/usr/bin/env python3
"""Seeds moto's server with a platform of several accounts, through the AWS API (boto3).

Run by tests/accounts.rs as: python seed_accounts.py PORT

Each member account is entered as AWS Organizations lets its management account do, through
OrganizationAccountAccessRole; there the account's read-only role for secdash is created, and
a security group with an open SSH rule named after the account. dev and staging also have
secdash's responder role, which actions there run as; prod has none. The account
`444444444444` gets a group but no secdash role, so assuming it fails. moto keys each request to the account
of the assumed role's credentials.

GuardDuty: `prod` is the organization's delegated administrator, with dev and staging as
members (qa is not one); each member's finding is in the administrator's detector, as
GuardDuty aggregates it, and dev's also in dev's own detector. GuardDuty has no API to create a
finding with chosen values: they go through the harness's seeding route.
"""
import datetime
import json
import sys
import urllib.request

import boto3

REGION = "ap-southeast-1"
PORT = int(sys.argv[1])
URL = f"http://127.0.0.1:{PORT}"
MEMBERS = {"111111111111": "dev", "222222222222": "staging", "333333333333": "prod",
           "444444444444": "sandbox", "555555555555": "qa", "666666666666": "observability"}


def client(service, creds=None):
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    if creds:
        keys = {"aws_access_key_id": creds["AccessKeyId"],
                "aws_secret_access_key": creds["SecretAccessKey"],
                "aws_session_token": creds["SessionToken"]}
    return boto3.client(service, endpoint_url=URL, region_name=REGION, **keys)


sts = client("sts")
for account, name in MEMBERS.items():
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                            RoleSessionName="seed")["Credentials"]
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "sts:AssumeRole"}]})
    if name != "sandbox":
        client("iam", creds).create_role(RoleName="SecdashReadOnly", AssumeRolePolicyDocument=trust)
    if name in ("dev", "staging"):
        client("iam", creds).create_role(RoleName="SecdashResponder", AssumeRolePolicyDocument=trust)
    ec2 = client("ec2", creds)
    vpc = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v["IsDefault"]][0]
    group = ec2.create_security_group(GroupName=f"{name}-bastion", Description=name,
                                      VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
def finding(account, detector, kind, severity):
    fid = f"{account}-{kind.split('/')[-1].lower()}"
    return {
        "id": fid, "accountId": account, "region": REGION, "partition": "aws",
        "arn": f"arn:aws:guardduty:{REGION}:{account}:detector/{detector}/finding/{fid}",
        "schemaVersion": "2.0", "type": kind, "severity": severity,
        "title": f"{kind} in {MEMBERS[account]}", "description": "seeded",
        "createdAt": "2026-11-20T08:00:00.000Z", "updatedAt": "2026-11-20T09:00:00.000Z",
        "resource": {"resourceType": "Instance",
                     "instanceDetails": {"instanceId": f"i-{MEMBERS[account]}"}},
        "service": {"serviceName": "guardduty", "detectorId": detector, "archived": False,
                    "count": 1, "eventFirstSeen": "2026-11-20T08:00:00.000Z",
                    "eventLastSeen": "2026-11-20T09:00:00.000Z"},
    }


def seed_findings(account, detector, findings):
    urllib.request.urlopen(urllib.request.Request(
        f"{URL}/_secdash/guardduty/findings?account={account}&region={REGION}&detector={detector}",
        data=json.dumps(findings).encode(), method="POST",
        headers={"Content-Type": "application/json"}))


def guardduty(account):
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                            RoleSessionName="seed")["Credentials"]
    gd = client("guardduty", creds)
    return gd, gd.create_detector(Enable=True)["DetectorId"]


admin, admin_detector = guardduty("333333333333")
admin.create_members(DetectorId=admin_detector, AccountDetails=[
    {"AccountId": a, "Email": f"{MEMBERS[a]}@example.com"} for a in ("111111111111", "222222222222")])
dev_finding = finding("111111111111", admin_detector, "CryptoCurrency:EC2/BitcoinTool.B!DNS", 8.0)
seed_findings("333333333333", admin_detector, [
    dev_finding, finding("222222222222", admin_detector, "Recon:EC2/PortProbeUnprotectedPort", 2.0)])
_, dev_detector = guardduty("111111111111")
seed_findings("111111111111", dev_detector, [dict(dev_finding, service=dict(
    dev_finding["service"], detectorId=dev_detector))])
# An LLM endpoint in dev and in staging, each with the invocations its account's SageMaker
# reported; the observability account is CloudWatch's monitoring account and has none.
INVOCATIONS = {"111111111111": 120, "222222222222": 45}
for account, count in INVOCATIONS.items():
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                            RoleSessionName="seed")["Credentials"]
    sm, cw = client("sagemaker", creds), client("cloudwatch", creds)
    name = f"{MEMBERS[account]}-llm"
    sm.create_model(ModelName=f"{name}-model",
                    ExecutionRoleArn=f"arn:aws:iam::{account}:role/sagemaker",
                    PrimaryContainer={"Image": "llm:1"})
    sm.create_endpoint_config(EndpointConfigName=f"{name}-config", ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": f"{name}-model",
        "InitialInstanceCount": 1, "InstanceType": "ml.g4dn.xlarge"}])
    sm.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")
    cw.put_metric_data(Namespace="AWS/SageMaker", MetricData=[{
        "MetricName": "Invocations", "Value": count, "Unit": "Count",
        "Timestamp": datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=2),
        "Dimensions": [{"Name": "EndpointName", "Value": name},
                       {"Name": "VariantName", "Value": "AllTraffic"}]}])
print("seeded", len(MEMBERS), "accounts")
