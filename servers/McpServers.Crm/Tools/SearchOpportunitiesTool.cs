using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using McpServers.Crm.Backend;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Text;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Crm.Tools;

public sealed class SearchOpportunitiesTool(ICrmGateway gateway, CrmTooling tooling, ServerJson json)
{
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = CrmTooling.MaxLengthJustification)]
    [McpServerTool(Name = "crm_search_opportunities", Title = "Search opportunities", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [Description("Finds opportunities (Salesforce Opportunities, HubSpot deals) the signed-in user may see, from structured filters that must all hold; the server builds and escapes the query. The close date is filtered either by a period (2026-Q4, 2026-11, 2026, this_quarter, last_month, ...; fiscal quarters where the CRM or administrator sets a fiscal year) or by close_date_from/close_date_before, not both; the result names the period and time zone used. Returns id, name, stage, open/won/lost, amount with currency, close date, account, owner and a link. Paged: when cut, next_cursor fetches the next page.")]
    public async Task<CallToolResult> SearchOpportunities(
        RequestContext<CallToolRequestParams> context,
        [Description("Stage names, any of (picklist values: see crm_describe_object)."), MaxLength(CrmTooling.MaxListItems)] IReadOnlyList<string>? stages = null,
        [Description("open, won or lost."), AllowedValues("open", "won", "lost")] string? status = null,
        [Description("Close date in this period: 2026-Q4, 2026-11, 2026, this_month, last_month, this_quarter, last_quarter, this_year, last_year."), RegularExpression(PeriodText.Pattern)] string? period = null,
        [Description("Close date on or after this day (YYYY-MM-DD); not with period."), RegularExpression(CrmTooling.DatePattern)] string? close_date_from = null,
        [Description("Close date before this day (YYYY-MM-DD); not with period."), RegularExpression(CrmTooling.DatePattern)] string? close_date_before = null,
        [Description("Smallest amount, in the CRM's currency."), Range(0d, 1e15)] decimal? min_amount = null,
        [Description("Largest amount, in the CRM's currency."), Range(0d, 1e15)] decimal? max_amount = null,
        [Description("\"me\" (the signed-in user) or an owner's user id."), RegularExpression(CrmTooling.OwnerPattern)] string? owner = null,
        [Description("Only opportunities of this account (its record id)."), RegularExpression(CrmTooling.IdPattern)] string? account_id = null,
        [Description("Opportunities per page (default set by the administrator; the server caps it)."), Range(1, 1000)] int? max_results = null,
        [Description("next_cursor from a previous call with the same filters, for the next page."), StringLength(4096)] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        if (period is not null && (close_date_from is not null || close_date_before is not null))
        {
            throw new ToolInputException("Give either `period` or `close_date_from`/`close_date_before`, not both.");
        }

        DateOnly? from = CrmTooling.Date(close_date_from, nameof(close_date_from));
        DateOnly? before = CrmTooling.Date(close_date_before, nameof(close_date_before));
        if (from >= before)
        {
            throw new ToolInputException("`close_date_from` must be before `close_date_before`.");
        }

        ResolvedPeriod? resolved = period is null ? null : await tooling.ResolvePeriodAsync(period, cancellationToken);
        var filter = new OpportunityFilter
        {
            Stages = CrmTooling.Values(stages, nameof(stages)),
            Status = status switch
            {
                "open" => OpportunityStatus.Open,
                "won" => OpportunityStatus.Won,
                "lost" => OpportunityStatus.Lost,
                _ => null,
            },
            CloseDate = resolved is not null ? new DateRange(resolved.Start, resolved.End) : from is null && before is null ? null : new DateRange(from, before),
            Amount = CrmTooling.Range(min_amount, max_amount, nameof(min_amount), nameof(max_amount)),
            Owner = owner,
            AccountId = account_id,
        };
        RecordPage<OpportunitySummary> page = await gateway.SearchOpportunitiesAsync(filter, new PageRequest(tooling.PageSize(max_results), cursor), cancellationToken);
        string? warning = tooling.UsageWarning(context);
        (string text, string? notice) = CrmTooling.Render(page, "opportunity", gateway.Provider, OpportunityLine, warning,
            resolved is null ? null : "Close date in " + PeriodText.Describe(resolved));
        return ToolResult.Create(new Output(gateway.Provider, page.Query, resolved is null ? null : PeriodUsed.From(resolved), page.Records,
            page.Records.Count, notice is not null, page.Total, page.NextCursor, notice, warning), text, json);
    }

    /// <summary>One opportunity on one line (also crm_get_account's).</summary>
    internal static string OpportunityLine(OpportunitySummary o) =>
        $"{o.Id} {CrmTooling.Line(o.Name)} [{CrmTooling.Line(o.Stage ?? "no stage")}, {o.Status}] {CrmTooling.Amount(o.Amount)}, closes {o.CloseDate ?? "-"}, account {CrmTooling.Line(o.AccountName ?? o.AccountId ?? "none")}, owner {CrmTooling.Line(o.Owner ?? "none")}";

    /// <summary>A page of opportunities; <see cref="Period"/> when a period was asked for. Paging members as in crm_search_accounts.</summary>
    public sealed record Output(string Provider, string Query, PeriodUsed? Period, IReadOnlyList<OpportunitySummary> Opportunities, int Count,
        bool Truncated, long? Total, string? NextCursor, string? Notice, string? Warning);
}
