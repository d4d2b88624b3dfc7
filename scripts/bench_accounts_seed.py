#!/usr/bin/env python3
"""Seeds moto's server (through tests/moto/secdash_moto.py) with a platform of N accounts in
two regions, for scripts/bench-accounts: each account gets secdash's read-only role, and in
each region an endpoint with invocations, a security group and a GuardDuty detector. Account
000000000100 is the security and observability account: GuardDuty's administrator, with every
other account as a member and one finding of each in its detectors.

Usage: bench_accounts_seed.py PORT ACCOUNTS
"""
import datetime
import json
import sys
import urllib.request

import boto3

PORT, N = int(sys.argv[1]), int(sys.argv[2])
URL = f"http://127.0.0.1:{PORT}"
REGIONS = ["ap-southeast-1", "us-east-1"]
ADMIN = "000000000100"
ACCOUNTS = [f"{100 + i:012d}" for i in range(N)]


def client(service, creds, region):
    return boto3.client(service, endpoint_url=URL, region_name=region,
                        aws_access_key_id=creds["AccessKeyId"],
                        aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])


sts = boto3.client("sts", endpoint_url=URL, region_name=REGIONS[0],
                   aws_access_key_id="testing", aws_secret_access_key="testing")
now = datetime.datetime.now(datetime.timezone.utc)
detectors = {}
for account in ACCOUNTS:
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                            RoleSessionName="seed")["Credentials"]
    client("iam", creds, REGIONS[0]).create_role(
        RoleName="SecdashReadOnly",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "sts:AssumeRole"}]}))
    for region in REGIONS:
        sm, cw = client("sagemaker", creds, region), client("cloudwatch", creds, region)
        name = f"llm-{account[-3:]}"
        sm.create_model(ModelName=f"{name}-model", ExecutionRoleArn=f"arn:aws:iam::{account}:role/sm",
                        PrimaryContainer={"Image": "llm:1"})
        sm.create_endpoint_config(EndpointConfigName=f"{name}-config", ProductionVariants=[{
            "VariantName": "AllTraffic", "ModelName": f"{name}-model",
            "InitialInstanceCount": 2, "InstanceType": "ml.g4dn.xlarge"}])
        sm.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")
        cw.put_metric_data(Namespace="AWS/SageMaker", MetricData=[{
            "MetricName": "Invocations", "Value": 100, "Unit": "Count",
            "Timestamp": now - datetime.timedelta(minutes=2),
            "Dimensions": [{"Name": "EndpointName", "Value": name},
                           {"Name": "VariantName", "Value": "AllTraffic"}]}])
        ec2 = client("ec2", creds, region)
        vpc = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v["IsDefault"]][0]
        ec2.create_security_group(GroupName=f"app-{account[-3:]}", Description="app", VpcId=vpc)
        detectors[(account, region)] = client("guardduty", creds, region).create_detector(
            Enable=True)["DetectorId"]

admin = sts.assume_role(RoleArn=f"arn:aws:iam::{ADMIN}:role/OrganizationAccountAccessRole",
                        RoleSessionName="seed")["Credentials"]
for region in REGIONS:
    detector = detectors[(ADMIN, region)]
    client("guardduty", admin, region).create_members(DetectorId=detector, AccountDetails=[
        {"AccountId": a, "Email": f"{a}@example.com"} for a in ACCOUNTS if a != ADMIN])
    findings = [{
        "id": f"{a}-{region}", "accountId": a, "region": region, "partition": "aws",
        "arn": f"arn:aws:guardduty:{region}:{a}:detector/{detector}/finding/{a}",
        "schemaVersion": "2.0", "type": "Recon:EC2/PortProbeUnprotectedPort", "severity": 2.0,
        "title": "port probe", "description": "seeded", "createdAt": "2026-11-20T08:00:00.000Z",
        "updatedAt": "2026-11-20T09:00:00.000Z",
        "resource": {"resourceType": "Instance", "instanceDetails": {"instanceId": f"i-{a}"}},
        "service": {"serviceName": "guardduty", "detectorId": detector, "archived": False,
                    "count": 1, "eventFirstSeen": "2026-11-20T08:00:00.000Z",
                    "eventLastSeen": "2026-11-20T09:00:00.000Z"},
    } for a in ACCOUNTS if a != ADMIN]
    urllib.request.urlopen(urllib.request.Request(
        f"{URL}/_secdash/guardduty/findings?account={ADMIN}&region={region}&detector={detector}",
        data=json.dumps(findings).encode(), method="POST",
        headers={"Content-Type": "application/json"}))
print(f"seeded {N} accounts in {len(REGIONS)} regions")
