#!/usr/bin/env python3
"""Seeds moto (with secdash's harness) with a scale scenario for scripts/bench-once.

Usage: bench_seed.py PORT ENDPOINTS GROUPS FINDINGS
"""
import datetime
import json
import sys
import urllib.request

import boto3

port, n_endpoints, n_groups, n_findings = (int(a) for a in sys.argv[1:5])
url = f"http://127.0.0.1:{port}"
region = "ap-southeast-1"
kw = dict(endpoint_url=url, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing")

sm = boto3.client("sagemaker", **kw)
cw = boto3.client("cloudwatch", **kw)
now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
sm.create_model(ModelName="m", ExecutionRoleArn="arn:aws:iam::123456789012:role/sm",
                PrimaryContainer={"Image": "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/llm:1"})
for i in range(n_endpoints):
    name = f"bench-{i:04d}"
    sm.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[
        {"VariantName": "AllTraffic", "ModelName": "m", "InitialInstanceCount": 1, "InstanceType": "ml.g4dn.xlarge"}])
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
    dims = [{"Name": "EndpointName", "Value": name}, {"Name": "VariantName", "Value": "AllTraffic"}]
    cw.put_metric_data(Namespace="AWS/SageMaker", MetricData=[
        {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": now - datetime.timedelta(minutes=m), "Value": 10, "Unit": "Count"}
        for m in range(2, 12)])

ec2 = boto3.client("ec2", **kw)
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
for i in range(n_groups):
    g = ec2.create_security_group(GroupName=f"bench-{i:04d}", Description="bench", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])

gd = boto3.client("guardduty", **kw)
detector = gd.create_detector(Enable=True)["DetectorId"]
findings = [{
    "id": f"f{i:05d}", "arn": f"arn:aws:guardduty:{region}:123456789012:detector/{detector}/finding/f{i:05d}",
    "accountId": "123456789012", "region": region, "partition": "aws", "schemaVersion": "2.0",
    "type": "Recon:EC2/Portscan", "severity": 1.0 + (i % 90) / 10, "title": "bench", "description": "bench",
    "createdAt": "2026-11-20T08:00:00.000Z", "updatedAt": "2026-11-23T08:00:00.000Z",
    "resource": {"resourceType": "Instance", "instanceDetails": {"instanceId": f"i-{i:05d}"}},
    "service": {"serviceName": "guardduty", "detectorId": detector, "archived": False, "count": 1,
                "eventFirstSeen": "2026-11-20T08:00:00.000Z", "eventLastSeen": "2026-11-23T08:00:00.000Z"},
} for i in range(n_findings)]
req = urllib.request.Request(
    f"{url}/_secdash/guardduty/findings?account=123456789012&region={region}&detector={detector}",
    data=json.dumps(findings).encode(), method="POST")
urllib.request.urlopen(req).read()
print(detector)
