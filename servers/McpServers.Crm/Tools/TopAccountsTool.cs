using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using McpServers.Crm.Backend;
using McpServers.Crm.Options;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Text;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Crm.Tools;

public sealed class TopAccountsTool(ICrmGateway gateway, CrmTooling tooling, CrmOptions options, ServerJson json)
{
    [McpServerTool(Name = "crm_top_accounts", Title = "Top accounts", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [Description("Ranks accounts by the summed amount of their opportunities closing in a period, in one call: won (closed-won revenue, e.g. 'top customers by revenue this quarter') or pipeline (open amount). Periods: 2026-Q4, 2026-11, 2026, this_quarter, last_month, ... (fiscal quarters where the CRM or administrator sets a fiscal year); the result names the period and time zone used. Returns rank, account id and name, total with currency and the number of opportunities.")]
    public async Task<CallToolResult> TopAccounts(
        RequestContext<CallToolRequestParams> context,
        [Description("The period the close dates fall in (default this_quarter): 2026-Q4, 2026-11, 2026, this_month, last_month, this_quarter, last_quarter, this_year, last_year."), RegularExpression(PeriodText.Pattern)] string? period = null,
        [Description("won (closed-won amount, the default) or pipeline (open amount)."), AllowedValues("won", "pipeline")] string? rank_by = null,
        [Description("Only opportunities owned by \"me\" (the signed-in user) or this owner's user id."), RegularExpression(CrmTooling.OwnerPattern)] string? owner = null,
        [Description("How many accounts (default 10; the server caps it)."), Range(1, 1000)] int? top = null,
        CancellationToken cancellationToken = default)
    {
        ResolvedPeriod resolved = await tooling.ResolvePeriodAsync(period ?? "this_quarter", cancellationToken);
        RankBy rankBy = rank_by == "pipeline" ? RankBy.Pipeline : RankBy.Won;
        int limit = Math.Min(top ?? 10, options.MaxResults);
        AccountRanking ranking = await gateway.TopAccountsAsync(new RankingRequest(rankBy, new DateRange(resolved.Start, resolved.End), owner, limit), cancellationToken);
        string? warning = tooling.UsageWarning(context);
        string what = rankBy == RankBy.Won ? "won amount" : "open pipeline";
        var text = new StringBuilder();
        text.Append("Top accounts by ").Append(what).Append(", close date in ").Append(PeriodText.Describe(resolved)).Append(" (").Append(gateway.Provider).Append("):\n");
        foreach (RankedAccount a in ranking.Accounts)
        {
            text.Append(CultureInfo.InvariantCulture, $"{a.Rank}. {CrmTooling.Line(a.Name)} ({a.AccountId}): {CrmTooling.Amount(a.Amount)} from {a.Opportunities} opportunit{(a.Opportunities == 1 ? "y" : "ies")}\n");
        }

        if (ranking.Accounts.Count == 0)
        {
            text.Append("No opportunities match.\n");
        }

        if (ranking.CapReached)
        {
            text.Append(ranking.CapNotice ?? string.Create(CultureInfo.InvariantCulture, $"The ranking stopped after {ranking.Scanned} opportunities: totals may be low.")).Append('\n');
        }

        CrmTooling.AppendWarning(text, warning);
        return ToolResult.Create(new Output(gateway.Provider, ranking.Query, rankBy == RankBy.Won ? "won" : "pipeline", PeriodUsed.From(resolved),
            ranking.Accounts, ranking.Scanned, ranking.CapReached, ranking.CapNotice, warning), text.ToString().TrimEnd('\n'), json);
    }

    /// <summary>
    /// The ranking. <see cref="Scanned"/>: opportunities read to compute it; <see cref="CapReached"/> with
    /// <see cref="CapNotice"/> when the scan stopped at the administrator's cap, so totals may be low.
    /// </summary>
    public sealed record Output(string Provider, string Query, string RankBy, PeriodUsed Period, IReadOnlyList<RankedAccount> Accounts,
        long Scanned, bool CapReached, string? CapNotice, string? Warning);
}
