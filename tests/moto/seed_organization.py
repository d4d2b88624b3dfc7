#!/usr/bin/env python3
"""Seeds moto's server with an organization, through the AWS API (boto3).

Run by tests/accounts.rs as: python seed_organization.py PORT

The credentials' own account creates the organization and three member accounts (moto picks
their ids): ml-dev and ml-prod get secdash's read-only role and a security group named after
them; finance does not match the test's name pattern. Each member is entered through
OrganizationAccountAccessRole, as AWS Organizations lets its management account do.
"""
import json
import sys

import boto3

REGION = "ap-southeast-1"
URL = f"http://127.0.0.1:{int(sys.argv[1])}"


def client(service, creds=None):
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    if creds:
        keys = {"aws_access_key_id": creds["AccessKeyId"],
                "aws_secret_access_key": creds["SecretAccessKey"],
                "aws_session_token": creds["SessionToken"]}
    return boto3.client(service, endpoint_url=URL, region_name=REGION, **keys)


org, sts = client("organizations"), client("sts")
org.create_organization(FeatureSet="ALL")
for name in ("ml-dev", "ml-prod", "finance"):
    status = org.create_account(Email=f"{name}@example.com", AccountName=name)
    account = status["CreateAccountStatus"]["AccountId"]
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                            RoleSessionName="seed")["Credentials"]
    client("iam", creds).create_role(
        RoleName="SecdashReadOnly",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "sts:AssumeRole"}]}))
    ec2 = client("ec2", creds)
    vpc = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v["IsDefault"]][0]
    ec2.create_security_group(GroupName=f"{name}-bastion", Description=name, VpcId=vpc)
print("seeded an organization")
