//! The regions the AWS SDK knows, from its partition data (`partitions.json` of
//! aws-sdk-sts 1.124, which the SDK keeps private to each crate): a region outside it is a
//! typo, and the nearest one is suggested.

pub const KNOWN: &[&str] = &[
    // aws
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    // aws-cn
    "cn-north-1",
    "cn-northwest-1",
    // aws-eusc
    "eusc-de-east-1",
    // aws-iso
    "us-iso-east-1",
    "us-iso-west-1",
    // aws-iso-b
    "us-isob-east-1",
    "us-isob-west-1",
    // aws-iso-e
    "eu-isoe-west-1",
    // aws-iso-f
    "us-isof-east-1",
    "us-isof-south-1",
    // aws-us-gov
    "us-gov-east-1",
    "us-gov-west-1",
];

pub fn is_known(region: &str) -> bool {
    KNOWN.contains(&region)
}

/// The known region nearest to a typo, when one is near enough to be what was meant.
pub fn nearest(region: &str) -> Option<&'static str> {
    // `US-EAST-1` is a region typed in capitals, not a typo of one.
    let region = region.to_lowercase();
    KNOWN
        .iter()
        .map(|k| (distance(&region, k), *k))
        .min()
        .filter(|(d, _)| *d <= 3)
        .map(|(_, k)| k)
}

/// Edits (insert, delete, substitute) from `a` to `b`.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_the_region_meant() {
        assert!(is_known("ap-southeast-1"));
        assert!(!is_known("us-eest-1"));
        assert_eq!(nearest("us-eest-1"), Some("us-east-1"));
        assert_eq!(nearest("eu-west1"), Some("eu-west-1"));
        assert_eq!(nearest("mars"), None);
        // #32: capitals are not a typo.
        assert_eq!(nearest("US-EAST-1"), Some("us-east-1"));
    }
}
