//! VPCs with each subnet's default route, VPC endpoints, NAT gateways, flow logs, EBS
//! default encryption and security groups (as read: the fetch step assesses their risks).

use super::Ctx;
use crate::aws::calls::call;
use crate::checklist::posture::*;
use crate::source::SourceError;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{RouteState, RouteTable};

type Parts = (
    Observed<Vec<Vpc>>,
    Observed<Vec<VpcEndpoint>>,
    Observed<Vec<NatGateway>>,
    Observed<Vec<FlowLog>>,
    Observed<bool>,
    Observed<crate::model::SecurityGroupsData>,
);

pub(super) async fn read(ec2: &Client, ctx: &Ctx<'_>) -> Parts {
    let (vpcs, endpoints, nats, flows, ebs, groups) = tokio::join!(
        Box::pin(vpcs(ec2, ctx)),
        Box::pin(vpc_endpoints(ec2, ctx)),
        Box::pin(nat_gateways(ec2, ctx)),
        Box::pin(flow_logs(ec2, ctx)),
        Box::pin(call(
            ctx.calls,
            "ec2:GetEbsEncryptionByDefault",
            ctx.region,
            ctx.profile,
            ec2.get_ebs_encryption_by_default().send(),
        )),
        Box::pin(crate::source::aws::ec2::groups(
            ec2,
            ctx.calls,
            ctx.region,
            ctx.profile,
            // The rules the checklist judges, kept page by page.
            crate::checklist::judged_rule,
        )),
    );
    let groups = groups.map(|(groups, vpcs)| {
        crate::checklist::posture::judged_groups(crate::model::SecurityGroupsData {
            groups,
            vpcs,
            search: Default::default(),
        })
    });
    (
        ctx.observed(vpcs),
        ctx.observed(endpoints),
        ctx.observed(nats),
        ctx.observed(flows),
        ctx.observed(ebs.map(|o| o.ebs_encryption_by_default().unwrap_or(false))),
        ctx.observed(groups),
    )
}

/// Pages through an EC2 describe call: `$page` is one request given the next token.
macro_rules! all_pages {
    ($ctx:expr, $op:literal, |$next:ident| $request:expr, |$out:ident| $items:expr) => {{
        let mut $next: Option<String> = None;
        let mut acc = Vec::new();
        loop {
            let $out = call($ctx.calls, $op, $ctx.region, $ctx.profile, $request).await?;
            acc.extend($items);
            $next = $out.next_token().map(str::to_string);
            if $next.is_none() {
                break;
            }
        }
        acc
    }};
}

async fn vpcs(ec2: &Client, ctx: &Ctx<'_>) -> Result<Vec<Vpc>, SourceError> {
    let (vpcs, subnets, tables) = tokio::join!(
        Box::pin(async {
            Ok::<_, SourceError>(all_pages!(
                ctx,
                "ec2:DescribeVpcs",
                |next| ec2
                    .describe_vpcs()
                    .max_results(1000)
                    .set_next_token(next.clone())
                    .send(),
                |page| page.vpcs().to_vec()
            ))
        }),
        Box::pin(async {
            Ok::<_, SourceError>(all_pages!(
                ctx,
                "ec2:DescribeSubnets",
                |next| ec2
                    .describe_subnets()
                    .max_results(1000)
                    .set_next_token(next.clone())
                    .send(),
                |page| page.subnets().to_vec()
            ))
        }),
        Box::pin(async {
            Ok::<_, SourceError>(all_pages!(
                ctx,
                "ec2:DescribeRouteTables",
                |next| ec2
                    .describe_route_tables()
                    .max_results(100)
                    .set_next_token(next.clone())
                    .send(),
                |page| page.route_tables().to_vec()
            ))
        }),
    );
    let (vpcs, subnets, tables) = (vpcs?, subnets?, tables?);
    Ok(vpcs
        .iter()
        .map(|v| {
            let vpc_id = v.vpc_id().unwrap_or_default();
            let main = tables.iter().find(|t| {
                t.vpc_id() == Some(vpc_id)
                    && t.associations().iter().any(|a| a.main() == Some(true))
            });
            Vpc {
                id: vpc_id.to_string(),
                cidr: v.cidr_block().unwrap_or_default().to_string(),
                is_default: v.is_default().unwrap_or(false),
                tags: v
                    .tags()
                    .iter()
                    .filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string())))
                    .collect(),
                subnets: subnets
                    .iter()
                    .filter(|s| s.vpc_id() == Some(vpc_id))
                    .map(|s| {
                        let id = s.subnet_id().unwrap_or_default();
                        let table = tables
                            .iter()
                            .find(|t| t.associations().iter().any(|a| a.subnet_id() == Some(id)))
                            .or(main);
                        Subnet {
                            id: id.to_string(),
                            cidr: s.cidr_block().unwrap_or_default().to_string(),
                            default_route: table.map(default_route).unwrap_or(DefaultRoute::None),
                        }
                    })
                    .collect(),
            }
        })
        .collect())
}

/// Where a route table sends 0.0.0.0/0.
fn default_route(table: &RouteTable) -> DefaultRoute {
    let Some(r) = table
        .routes()
        .iter()
        .find(|r| r.destination_cidr_block() == Some("0.0.0.0/0"))
    else {
        return DefaultRoute::None;
    };
    if let Some(nat) = r.nat_gateway_id() {
        return DefaultRoute::NatGateway {
            id: nat.to_string(),
            active: r.state() != Some(&RouteState::Blackhole),
        };
    }
    match r.gateway_id() {
        Some(g) if g.starts_with("igw-") => DefaultRoute::InternetGateway(g.to_string()),
        Some(g) => DefaultRoute::Other(g.to_string()),
        None => DefaultRoute::Other(
            r.transit_gateway_id()
                .or(r.vpc_peering_connection_id())
                .or(r.network_interface_id())
                .or(r.instance_id())
                .unwrap_or("unknown target")
                .to_string(),
        ),
    }
}

async fn vpc_endpoints(ec2: &Client, ctx: &Ctx<'_>) -> Result<Vec<VpcEndpoint>, SourceError> {
    Ok(all_pages!(
        ctx,
        "ec2:DescribeVpcEndpoints",
        |next| ec2
            .describe_vpc_endpoints()
            .max_results(1000)
            .set_next_token(next.clone())
            .send(),
        |page| page
            .vpc_endpoints()
            .iter()
            .map(|e| VpcEndpoint {
                id: e.vpc_endpoint_id().unwrap_or_default().to_string(),
                vpc_id: e.vpc_id().unwrap_or_default().to_string(),
                service: e.service_name().unwrap_or_default().to_string(),
                kind: e
                    .vpc_endpoint_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                state: e
                    .state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            })
            .collect::<Vec<_>>()
    ))
}

async fn nat_gateways(ec2: &Client, ctx: &Ctx<'_>) -> Result<Vec<NatGateway>, SourceError> {
    Ok(all_pages!(
        ctx,
        "ec2:DescribeNatGateways",
        |next| ec2
            .describe_nat_gateways()
            .max_results(1000)
            .set_next_token(next.clone())
            .send(),
        |page| page
            .nat_gateways()
            .iter()
            .map(|n| NatGateway {
                id: n.nat_gateway_id().unwrap_or_default().to_string(),
                vpc_id: n.vpc_id().unwrap_or_default().to_string(),
                subnet_id: n.subnet_id().unwrap_or_default().to_string(),
                state: n
                    .state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            })
            .collect::<Vec<_>>()
    ))
}

async fn flow_logs(ec2: &Client, ctx: &Ctx<'_>) -> Result<Vec<FlowLog>, SourceError> {
    Ok(all_pages!(
        ctx,
        "ec2:DescribeFlowLogs",
        |next| ec2
            .describe_flow_logs()
            .max_results(1000)
            .set_next_token(next.clone())
            .send(),
        |page| page
            .flow_logs()
            .iter()
            .map(|f| FlowLog {
                id: f.flow_log_id().unwrap_or_default().to_string(),
                resource_id: f.resource_id().unwrap_or_default().to_string(),
                status: f.flow_log_status().unwrap_or_default().to_string(),
                destination: f
                    .log_group_name()
                    .or(f.log_destination())
                    .unwrap_or_default()
                    .to_string(),
            })
            .collect::<Vec<_>>()
    ))
}
