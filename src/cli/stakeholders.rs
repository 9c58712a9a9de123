//! `dealgraph stakeholders ENTITY`: who has a stake in an entity, and how exposed it is to each
//! of them.

use dealgraph::query::stakeholders::{StakeholderOptions, stakeholders};
use dealgraph::render::stakeholders as render;

use dealgraph::graph::MoneyGraph;
use dealgraph::query::diff::stakeholder_diff;
use dealgraph::render::diff;

use super::{CliError, CliResult, Context, DiffArgs, Format, output};

/// Who has a stake in ENTITY, and how exposed it is to them.
///
/// Every counterparty is grouped by role: investors (invest in it), investees (it invests in
/// them), customers (pay it for cloud, chips or services), suppliers (it pays them), lenders,
/// borrowers, and other deals. A counterparty with several kinds of deals appears in each group:
/// Amazon is both a prospective investor in OpenAI and its cloud supplier.
///
/// Totals mix qualifiers exactly, as ranges: "at least $8B" + "up to $5B" is "at least $8B",
/// "$8B" + "up to $5B" is "$8B – $13B". Shares ("exposure") compare stated figures at face
/// value and always say what they are a share of, because the data is partial.
///
/// The vendor-financing ratio is the part of what ENTITY invests or lends that comes back to it
/// as revenue (cloud, chips, services) from the counterparties it finances, directly or, with
/// --depth N, through up to N hops (loops of up to N+1 hops).
#[derive(Debug, clap::Args)]
#[command(after_help = "EXAMPLES:
  dealgraph stakeholders openai
  dealgraph stakeholders amazon --status announced,completed
  dealgraph stakeholders openai --depth 2 --format json
  dealgraph stakeholders openai --without softbank --diff   what if SoftBank walked away?
  dealgraph stakeholders e0 --data /tmp/dg --limit 0  every row of every table")]
pub struct Args {
    /// Entity id, name or alias.
    pub entity: String,

    /// How far to look: investors of investors up to N investment hops away (with the chain
    /// and look-through stake of each), and money coming back through up to N hops for the
    /// vendor-financing ratio. 1 means direct counterparties only.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..=16))]
    pub depth: u16,

    /// Rows shown in each table (each role, exposure, indirect investors, vendor financing);
    /// 0 shows them all. JSON always lists every row.
    #[arg(long, value_name = "N", default_value_t = render::DEFAULT_LIMIT)]
    pub limit: usize,

    #[command(flatten)]
    pub diff: DiffArgs,
}

pub fn run(args: &Args, ctx: &Context) -> CliResult {
    let id = ctx.resolve(&args.entity)?;
    let graph = ctx.graph();
    let data = ctx.dataset();
    let options = StakeholderOptions {
        depth: usize::from(args.depth),
        ..StakeholderOptions::default()
    };
    if let Some(baseline) = args.diff.baseline(ctx)? {
        let format = ctx.format(
            "stakeholders --diff",
            &[Format::Table, Format::Json, Format::Csv],
        )?;
        // An entity left out by --without loses every stakeholder: shown as such.
        let before = stakeholders(&MoneyGraph::build(data, baseline.clone()), id, &options);
        let after = stakeholders(&graph, id, &options);
        let result = stakeholder_diff(data, &before, &after);
        let compared = diff::Compared::new(data, &baseline, &ctx.filter);
        let text = match format {
            Format::Json => diff::stakeholders_json(data, &result, &compared),
            Format::Csv => diff::stakeholders_csv(data, &result).map_err(anyhow::Error::from)?,
            _ => diff::stakeholders_table(data, &result, &compared),
        };
        return output::stdout(text.as_bytes());
    }
    let format = ctx.format("stakeholders", &[Format::Table, Format::Json])?;
    if !graph.contains(id) {
        return Err(CliError::usage_help(
            format!("{} is left out by --without", data.entity(id).id),
            "drop it from --without to see its stakeholders",
        ));
    }
    let result = stakeholders(&graph, id, &options);
    let bytes = match format {
        Format::Json => render::to_json(data, &result, ctx.as_of()),
        _ => {
            let limit = (args.limit > 0).then_some(args.limit);
            render::to_table(data, &result, ctx.as_of(), limit)
        }
    };
    output::stdout(bytes.as_bytes())
}
