#!/usr/bin/env python3
"""Seeds moto's server with an organization read through its aggregation points, through the
AWS API (boto3).

Run by tests/accounts.rs and scripts/bench-accounts as:
python seed_aggregation.py PORT N [notebooks]

The security account (100000000000) is GuardDuty's and Security Hub's delegated administrator,
CloudWatch's monitoring account and holds the Config aggregator `org`. Members 200000000001 to
2000000000NN each have secdash's read-only role and a security group `web-NNN` open to SSH.
Security Hub holds a SageMaker.1 control finding of each member: FAILED for the first, PASSED
for the others. The last member is neither in Security Hub's members nor in the aggregator's
sources: secdash reads it from the account. Accounts are entered through
OrganizationAccountAccessRole, as a management account does.

With `notebooks`, each member also has a notebook `research` whose settings vary with the
member (direct internet access on every other one, root access on every third, a VPC subnet
on three of four), and Security Hub's SageMaker.1, .2 and .3 findings of each say what AWS's
controls find of that notebook: both ways of judging them read the same world.
"""
import datetime
import json
import sys

import boto3

REGION = "ap-southeast-1"
PORT = int(sys.argv[1])
N = int(sys.argv[2])
NOTEBOOKS = sys.argv[3:] == ["notebooks"]
URL = f"http://127.0.0.1:{PORT}"
ADMIN = "100000000000"
MEMBERS = [f"{200000000000 + i:012d}" for i in range(1, N + 1)]


def client(service, account=None):
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    if account:
        creds = boto3.client("sts", endpoint_url=URL, region_name=REGION, **keys).assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
            RoleSessionName="seed")["Credentials"]
        keys = {"aws_access_key_id": creds["AccessKeyId"],
                "aws_secret_access_key": creds["SecretAccessKey"],
                "aws_session_token": creds["SessionToken"]}
    return boto3.client(service, endpoint_url=URL, region_name=REGION, **keys)


TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
    "Action": "sts:AssumeRole"}]})

for account in [ADMIN] + MEMBERS:
    client("iam", account).create_role(RoleName="SecdashReadOnly", AssumeRolePolicyDocument=TRUST)
for account in MEMBERS:
    ec2 = client("ec2", account)
    vpc = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v["IsDefault"]][0]
    group = ec2.create_security_group(GroupName=f"web-{account[-3:]}", Description="web",
                                      VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])

covered = MEMBERS[:-1]
hub = client("securityhub", ADMIN)
hub.enable_security_hub(EnableDefaultStandards=False)
hub.create_members(AccountDetails=[{"AccountId": a, "Email": f"{a}@example.com"} for a in covered])
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def control(account, control_id, passed, title):
    arn = f"arn:aws:sagemaker:{REGION}:{account}:notebook-instance/research"
    return {
        "SchemaVersion": "2018-10-08", "Id": f"{account}/{control_id}",
        "ProductArn": f"arn:aws:securityhub:{REGION}::product/aws/securityhub",
        "GeneratorId": f"security-control/{control_id}", "AwsAccountId": account,
        "Types": ["Software and Configuration Checks"], "CreatedAt": now, "UpdatedAt": now,
        "Severity": {"Label": "HIGH"}, "Title": title, "Description": "seeded",
        "Resources": [{"Type": "AwsSageMakerNotebookInstance", "Id": arn}],
        "Compliance": {"Status": "PASSED" if passed else "FAILED", "SecurityControlId": control_id},
        "RecordState": "ACTIVE", "Workflow": {"Status": "NEW"},
    }


findings = []
for i, account in enumerate(covered):
    if not NOTEBOOKS:
        findings.append(control(account, "SageMaker.1", i != 0,
                                "SageMaker notebook instances should not have direct internet access"))
        continue
    internet, root, in_vpc = i % 2 == 0, i % 3 == 0, i % 4 != 0
    sm = client("sagemaker", account)
    kwargs = {}
    if in_vpc:
        ec2 = client("ec2", account)
        vpc = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v["IsDefault"]][0]
        subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]
        group = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]},
                                                     {"Name": "vpc-id", "Values": [vpc]}])
        kwargs = {"SubnetId": subnet["SubnetId"],
                  "SecurityGroupIds": [group["SecurityGroups"][0]["GroupId"]]}
    sm.create_notebook_instance(
        NotebookInstanceName="research", InstanceType="ml.t3.medium",
        RoleArn=f"arn:aws:iam::{account}:role/SecdashReadOnly",
        DirectInternetAccess="Enabled" if internet else "Disabled",
        RootAccess="Enabled" if root else "Disabled", **kwargs)
    findings += [
        control(account, "SageMaker.1", not internet,
                "SageMaker notebook instances should not have direct internet access"),
        control(account, "SageMaker.2", in_vpc, "SageMaker notebook instances should be launched in a custom VPC"),
        control(account, "SageMaker.3", not root, "Users should not have root access to SageMaker notebook instances"),
    ]
for start in range(0, len(findings), 100):
    hub.batch_import_findings(Findings=findings[start:start + 100])

client("config", ADMIN).put_configuration_aggregator(
    ConfigurationAggregatorName="org",
    AccountAggregationSources=[{"AccountIds": covered, "AwsRegions": [REGION]}])

gd = client("guardduty", ADMIN)
detector = gd.create_detector(Enable=True)["DetectorId"]
for start in range(0, len(MEMBERS), 50):
    gd.create_members(DetectorId=detector, AccountDetails=[
        {"AccountId": a, "Email": f"{a}@example.com"} for a in MEMBERS[start:start + 50]])
print("seeded", len(MEMBERS), "members")
