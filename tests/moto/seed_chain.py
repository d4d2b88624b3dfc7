#!/usr/bin/env python3
"""Seeds moto's server with one endpoint whose whole chain can be read (#29), through the AWS
API (boto3), for tests/moto.rs to count a warm refresh's calls.

Run as: python seed_chain.py PORT

The endpoint `chained` serves a model whose image is a tag of an ECR repository (pushed and
scanned, the scan through the harness's route), whose artifact is in a versioned bucket,
written by a training job, and named by an approved package; a second role SageMaker may
assume may overwrite the artifact.
"""
import json
import sys
import time
import urllib.request

import boto3

REGION = "ap-southeast-1"
ACCOUNT = "123456789012"
PORT = int(sys.argv[1])
URL = f"http://127.0.0.1:{PORT}"


def client(service):
    return boto3.client(service, endpoint_url=URL, region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


sm, s3, iam, ecr = (client(s) for s in ("sagemaker", "s3", "iam", "ecr"))
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


def role(name, statements):
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="grants", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": statements}))
    return arn


serving = role("chained-serving", [{"Effect": "Allow", "Action": "s3:GetObject",
                                    "Resource": "arn:aws:s3:::chained-models/*"}])
role("chained-notebook", [{"Effect": "Allow", "Action": "s3:PutObject",
                           "Resource": "arn:aws:s3:::chained-models/*"}])

# A deployer whose key could leak, and a user who may only read.
iam.create_user(UserName="chained-deployer")
iam.put_user_policy(UserName="chained-deployer", PolicyName="deploy", PolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::chained-models/*"},
        {"Effect": "Allow", "Action": "sagemaker:UpdateEndpoint", "Resource": "*"}]}))
iam.create_user(UserName="chained-viewer")
iam.put_user_policy(UserName="chained-viewer", PolicyName="view", PolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::chained-models/*"}]}))

s3.create_bucket(Bucket="chained-models", CreateBucketConfiguration={"LocationConstraint": REGION})
s3.put_bucket_versioning(Bucket="chained-models", VersioningConfiguration={"Status": "Enabled"})

ecr.create_repository(repositoryName="chained")
manifest = json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "config": {"digest": "sha256:" + "1" * 64, "size": 1},
    "layers": [{"digest": "sha256:" + "3" * 64, "size": 1}]})
digest = ecr.put_image(repositoryName="chained", imageManifest=manifest,
                       imageTag="v1")["image"]["imageId"]["imageDigest"]
urllib.request.urlopen(urllib.request.Request(
    f"{URL}/_secdash/ecr/scan?account={ACCOUNT}&region={REGION}&repository=chained&digest={digest}",
    data=json.dumps({"LOW": 2}).encode(), method="POST"))
image = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/chained:v1"

sm.create_training_job(
    TrainingJobName="chained-fit", RoleArn=serving,
    AlgorithmSpecification={"TrainingImage": image, "TrainingInputMode": "File"},
    InputDataConfig=[{"ChannelName": "train", "DataSource": {"S3DataSource": {
        "S3DataType": "S3Prefix", "S3Uri": "s3://chained-data/set1/"}}}],
    OutputDataConfig={"S3OutputPath": "s3://chained-models/out"},
    ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
    StoppingCondition={"MaxRuntimeInSeconds": 3600}, EnableNetworkIsolation=True)
artifact = "s3://chained-models/out/chained-fit/output/model.tar.gz"
s3.put_object(Bucket="chained-models", Key="out/chained-fit/output/model.tar.gz", Body=b"weights")
time.sleep(1.1)
sm.create_model_package_group(ModelPackageGroupName="chained")
sm.create_model_package(
    ModelPackageGroupName="chained", ModelApprovalStatus="Approved",
    InferenceSpecification={"Containers": [{"Image": image, "ModelDataUrl": artifact}],
                            "SupportedContentTypes": ["application/json"],
                            "SupportedResponseMIMETypes": ["application/json"]})
sm.create_model(ModelName="chained-model", ExecutionRoleArn=serving,
                PrimaryContainer={"Image": image, "ModelDataUrl": artifact})
sm.create_endpoint_config(EndpointConfigName="chained-config", ProductionVariants=[{
    "VariantName": "AllTraffic", "ModelName": "chained-model",
    "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}])
sm.create_endpoint(EndpointName="chained", EndpointConfigName="chained-config")
print("seeded the chained endpoint")
