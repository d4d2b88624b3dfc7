//! S3 Control puts the account id in front of the host (`123456789012.s3-control…`). Against
//! a custom endpoint (`AWS_ENDPOINT_URL`: an emulator, a proxy) that name does not resolve, so
//! the prefix is taken off before the request is signed. Never installed against AWS itself.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

#[derive(Debug)]
pub struct NoAccountHostPrefix {
    pub account: String,
}

/// The URI without the account's label in front of its host.
pub fn strip(uri: &str, account: &str) -> Option<String> {
    let (scheme, rest) = uri.split_once("://")?;
    let bare = rest.strip_prefix(&format!("{account}."))?;
    Some(format!("{scheme}://{bare}"))
}

impl Intercept for NoAccountHostPrefix {
    fn name(&self) -> &'static str {
        "NoAccountHostPrefix"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        if let Some(uri) = strip(request.uri(), &self.account) {
            request.set_uri(uri)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_accounts_label_goes() {
        assert_eq!(
            super::strip(
                "http://123456789012.127.0.0.1:5000/v20180820/x",
                "123456789012"
            )
            .as_deref(),
            Some("http://127.0.0.1:5000/v20180820/x")
        );
        assert_eq!(
            super::strip("https://s3-control.us-east-1.amazonaws.com/", "1"),
            None
        );
    }
}
