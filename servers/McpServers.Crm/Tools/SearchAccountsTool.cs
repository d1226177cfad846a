using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using McpServers.Crm.Backend;
using McpServers.Shared.Pipeline;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Crm.Tools;

public sealed class SearchAccountsTool(ICrmGateway gateway, CrmTooling tooling, ServerJson json)
{
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = CrmTooling.MaxLengthJustification)]
    [McpServerTool(Name = "crm_search_accounts", Title = "Search accounts", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [Description("Finds CRM accounts (Salesforce Accounts, HubSpot companies) the signed-in user may see, from structured filters that must all hold; the server builds and escapes the query. Returns id, name, industry, type, country, annual revenue with its currency, owner and a link per account. Paged: when cut, next_cursor fetches the next page.")]
    public async Task<CallToolResult> SearchAccounts(
        RequestContext<CallToolRequestParams> context,
        [Description("Part of the account name (case-insensitive)."), StringLength(100, MinimumLength = 1), RegularExpression(CrmTooling.SingleLinePattern)] string? name_contains = null,
        [Description("Industries, any of (picklist values: see crm_describe_object)."), MaxLength(CrmTooling.MaxListItems)] IReadOnlyList<string>? industries = null,
        [Description("Account types, any of, e.g. Customer, Partner (picklist values: see crm_describe_object)."), MaxLength(CrmTooling.MaxListItems)] IReadOnlyList<string>? types = null,
        [Description("\"me\" (the signed-in user) or an owner's user id."), RegularExpression(CrmTooling.OwnerPattern)] string? owner = null,
        [Description("Billing country as stored in the CRM, e.g. Germany or US."), StringLength(80, MinimumLength = 1), RegularExpression(CrmTooling.SingleLinePattern)] string? country = null,
        [Description("Smallest annual revenue, in the CRM's currency."), Range(0d, 1e15)] decimal? min_annual_revenue = null,
        [Description("Largest annual revenue, in the CRM's currency."), Range(0d, 1e15)] decimal? max_annual_revenue = null,
        [Description("Accounts per page (default set by the administrator; the server caps it)."), Range(1, 1000)] int? max_results = null,
        [Description("next_cursor from a previous call with the same filters, for the next page."), StringLength(4096)] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var filter = new AccountFilter
        {
            NameContains = name_contains,
            Industries = CrmTooling.Values(industries, nameof(industries)),
            Types = CrmTooling.Values(types, nameof(types)),
            Owner = owner,
            Country = country,
            AnnualRevenue = CrmTooling.Range(min_annual_revenue, max_annual_revenue, nameof(min_annual_revenue), nameof(max_annual_revenue)),
        };
        RecordPage<AccountSummary> page = await gateway.SearchAccountsAsync(filter, new PageRequest(tooling.PageSize(max_results), cursor), cancellationToken);
        string? warning = tooling.UsageWarning(context);
        (string text, string? notice) = CrmTooling.Render(page, "account", gateway.Provider, AccountLine, warning);
        return ToolResult.Create(new Output(gateway.Provider, page.Query, page.Records, page.Records.Count, notice is not null, page.Total,
            page.NextCursor, notice, warning), text, json);
    }

    private static string AccountLine(AccountSummary a) =>
        $"{a.Id} {CrmTooling.Line(a.Name)} ({CrmTooling.Line(a.Industry ?? "no industry")}, {CrmTooling.Line(a.Type ?? "no type")}, {CrmTooling.Line(a.Country ?? "no country")}, revenue {CrmTooling.Amount(a.AnnualRevenue)}, owner {CrmTooling.Line(a.Owner ?? "none")})";

    /// <summary>
    /// A page of accounts. <see cref="Query"/> is what was sent to the CRM; <see cref="Truncated"/> with
    /// <see cref="NextCursor"/> and <see cref="Notice"/> when there is more; <see cref="Warning"/> when API usage is high.
    /// </summary>
    public sealed record Output(string Provider, string Query, IReadOnlyList<AccountSummary> Accounts, int Count, bool Truncated,
        long? Total, string? NextCursor, string? Notice, string? Warning);
}
