#!/usr/bin/env python3
"""Seeds moto's server with a platform of several accounts, through the AWS API (boto3).

Run by tests/accounts.rs as: python seed_accounts.py PORT

Each member account is entered as AWS Organizations lets its management account do, through
OrganizationAccountAccessRole; there the account's read-only role for secdash is created, and
a security group with an open SSH rule named after the account. The account `444444444444`
gets a group but no secdash role, so assuming it fails. moto keys each request to the account
of the assumed role's credentials.
"""
import json
import sys

import boto3

REGION = "ap-southeast-1"
PORT = int(sys.argv[1])
URL = f"http://127.0.0.1:{PORT}"
MEMBERS = {"111111111111": "dev", "222222222222": "staging", "333333333333": "prod",
           "444444444444": "sandbox"}


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
    if name != "sandbox":
        client("iam", creds).create_role(
            RoleName="SecdashReadOnly",
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "sts:AssumeRole"}]}))
    ec2 = client("ec2", creds)
    vpc = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v["IsDefault"]][0]
    group = ec2.create_security_group(GroupName=f"{name}-bastion", Description=name,
                                      VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
print("seeded", len(MEMBERS), "accounts")
