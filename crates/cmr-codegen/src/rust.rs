//! `crates/cmr/src/ops_generated.rs`: the operation registry's dispatch
//! (`ops::call`), one arm per operation of the route table and of
//! `routes::COMPOSITE`, calling the typed core method.

use cmr::routes::{self, Arg, ArgKind, Signature};

fn arg_expr(a: &Arg, all: &[Arg]) -> String {
    let n = a.name;
    match a.kind {
        ArgKind::Str => format!("&a.str(\"{n}\")?"),
        ArgKind::OptStr => format!("a.opt_str(\"{n}\")?.as_deref()"),
        ArgKind::Model(t) => {
            let skip: Vec<String> = all
                .iter()
                .filter(|o| !o.name.is_empty() && !matches!(o.kind, ArgKind::Model(_)))
                .map(|o| format!("\"{}\"", o.name))
                .collect();
            format!("&a.model::<{t}>(&[{}])?", skip.join(", "))
        }
        ArgKind::Json(t) => format!("&a.get::<{t}>(\"{n}\")?"),
        ArgKind::OptJson(t) => format!("a.opt::<{t}>(\"{n}\")?.as_ref()"),
        ArgKind::JsonOrDefault(t) => format!("&a.opt::<{t}>(\"{n}\")?.unwrap_or_default()"),
        ArgKind::UpperEnum(t) => format!("&{t}::parse(&a.str(\"{n}\")?.to_ascii_uppercase())"),
    }
}

fn arm(op: &str, sig: &Signature) -> String {
    let target = match op.split_once('.') {
        Some((resource, method)) => format!("client.{resource}().{method}"),
        None => format!("client.{op}"),
    };
    let args: Vec<String> = sig.args.iter().map(|a| arg_expr(a, sig.args)).collect();
    format!("        \"{op}\" => out({target}({}).await?),\n", args.join(", "))
}

pub fn render() -> String {
    let mut s = format!(
        "// {}: `cargo run -p cmr-codegen -- write`.\n\
         // The dispatch of `ops::call`, one arm per operation of `routes::ALL` and\n\
         // `routes::COMPOSITE`, from their signatures. Included by `ops.rs`.\n\n\
         /// Call the typed core method of `op` with the arguments in `a`.\n\
         #[allow(deprecated)]\n\
         async fn dispatch<O: Output>(client: &Client, op: &str, a: &Args<'_>) -> Result<O> {{\n    match op {{\n",
        super::GENERATED
    );
    for r in routes::ALL {
        s.push_str(&arm(r.op, &r.sig));
    }
    for c in routes::COMPOSITE {
        s.push_str(&arm(c.op, &c.sig));
    }
    s.push_str("        other => Err(Error::invalid(format!(\"unknown operation {other:?}\"))),\n    }\n}\n");
    s
}
