//! Every page of a SageMaker list, as one macro: the lists differ in type but page alike.

/// What every page of a SageMaker list holds: `|page| items` gives a page's items.
macro_rules! every_page {
    ($ctx:expr, $op:literal, $request:expr, |$page:ident| $names:expr) => {{
        let mut all = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let page = $crate::aws::calls::call(
                $ctx.calls,
                $op,
                $ctx.region,
                $ctx.profile,
                $request.max_results(100).set_next_token(next).send(),
            )
            .await?;
            {
                let $page = &page;
                all.extend($names);
            }
            next = page.next_token().map(str::to_string);
            if next.is_none() {
                break;
            }
        }
        all
    }};
}
pub(super) use every_page;
