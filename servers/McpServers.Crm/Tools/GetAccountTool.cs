using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using McpServers.Crm.Backend;
using McpServers.Shared.Pipeline;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Crm.Tools;

public sealed class GetAccountTool(ICrmGateway gateway, CrmTooling tooling, ServerJson json)
{
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = CrmTooling.MaxLengthJustification)]
    [McpServerTool(Name = "crm_get_account", Title = "Get account", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [Description("Reads one account the signed-in user may see: its summary, extra allowlisted fields asked for by API name, and its primary contacts, open opportunities and most recent activities. Ids: Salesforce 15/18-character ids (001...), HubSpot numeric company ids. A record outside the user's visibility is reported as not found.")]
    public async Task<CallToolResult> GetAccount(
        RequestContext<CallToolRequestParams> context,
        [Description("The account's record id."), RegularExpression(CrmTooling.IdPattern)] string account_id,
        [Description("Extra field API names to include (allowed fields: see crm_describe_object)."), MaxLength(CrmTooling.MaxListItems)] IReadOnlyList<string>? fields = null,
        [Description("How many contacts to include (default 5)."), Range(0, 20)] int? contacts = null,
        [Description("How many open opportunities to include (default 5)."), Range(0, 20)] int? open_opportunities = null,
        [Description("How many of the most recent activities to include (default 5)."), Range(0, 20)] int? activities = null,
        CancellationToken cancellationToken = default)
    {
        AccountDetail d = await gateway.GetAccountAsync(account_id,
            new AccountDetailRequest(CrmTooling.Values(fields, nameof(fields)), contacts ?? 5, open_opportunities ?? 5, activities ?? 5), cancellationToken);
        string? warning = tooling.UsageWarning(context);
        AccountSummary a = d.Account;
        var text = new StringBuilder();
        text.Append(a.Id).Append(' ').Append(CrmTooling.Line(a.Name)).Append(" (").Append(gateway.Provider).Append(")\n")
            .Append("industry: ").Append(CrmTooling.Line(a.Industry ?? "-")).Append(" | type: ").Append(CrmTooling.Line(a.Type ?? "-"))
            .Append(" | country: ").Append(CrmTooling.Line(a.Country ?? "-")).Append(" | annual revenue: ").Append(CrmTooling.Amount(a.AnnualRevenue))
            .Append(" | owner: ").Append(CrmTooling.Line(a.Owner ?? "-")).Append('\n').Append(a.Url).Append('\n');
        foreach (var (name, value) in d.Fields)
        {
            text.Append(name).Append(": ").Append(value ?? "-").Append('\n');
        }

        Section(text, "Contacts", d.Contacts, SearchContactsTool.ContactLine);
        Section(text, "Open opportunities", d.OpenOpportunities, SearchOpportunitiesTool.OpportunityLine);
        Section(text, "Recent activities", d.RecentActivities, ListActivitiesTool.ActivityLine);
        CrmTooling.AppendWarning(text, warning);
        return ToolResult.Create(new Output(gateway.Provider, a, d.Fields, d.Contacts, d.OpenOpportunities, d.RecentActivities, warning),
            text.ToString().TrimEnd('\n'), json);
    }

    private static void Section<T>(StringBuilder text, string title, IReadOnlyList<T> items, Func<T, string> line)
    {
        text.Append('\n').Append(title).Append(items.Count == 0 ? ": none\n" : ":\n");
        foreach (T item in items)
        {
            text.Append("- ").Append(line(item)).Append('\n');
        }
    }

    /// <summary>One account: <see cref="Fields"/> are the extra fields asked for, as text.</summary>
    public sealed record Output(string Provider, AccountSummary Account, IReadOnlyDictionary<string, string?> Fields,
        IReadOnlyList<ContactSummary> Contacts, IReadOnlyList<OpportunitySummary> OpenOpportunities,
        IReadOnlyList<ActivityInfo> RecentActivities, string? Warning);
}
