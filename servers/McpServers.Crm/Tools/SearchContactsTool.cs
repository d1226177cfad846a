using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using McpServers.Crm.Backend;
using McpServers.Shared.Pipeline;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Crm.Tools;

public sealed class SearchContactsTool(ICrmGateway gateway, CrmTooling tooling, ServerJson json)
{
    [McpServerTool(Name = "crm_search_contacts", Title = "Search contacts", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [Description("Finds CRM contacts the signed-in user may see, from structured filters that must all hold; the server builds and escapes the query. Returns id, name, title, e-mail, phone, account, owner and a link per contact. Paged: when cut, next_cursor fetches the next page.")]
    public async Task<CallToolResult> SearchContacts(
        RequestContext<CallToolRequestParams> context,
        [Description("Part of the contact's name (case-insensitive)."), StringLength(100, MinimumLength = 1), RegularExpression(CrmTooling.SingleLinePattern)] string? name_contains = null,
        [Description("The contact's exact e-mail address."), StringLength(254, MinimumLength = 3), RegularExpression(CrmTooling.SingleLinePattern)] string? email = null,
        [Description("Only contacts of this account (its record id)."), RegularExpression(CrmTooling.IdPattern)] string? account_id = null,
        [Description("Part of the job title, e.g. CFO or Procurement."), StringLength(100, MinimumLength = 1), RegularExpression(CrmTooling.SingleLinePattern)] string? title_contains = null,
        [Description("\"me\" (the signed-in user) or an owner's user id."), RegularExpression(CrmTooling.OwnerPattern)] string? owner = null,
        [Description("Contacts per page (default set by the administrator; the server caps it)."), Range(1, 1000)] int? max_results = null,
        [Description("next_cursor from a previous call with the same filters, for the next page."), StringLength(4096)] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        var filter = new ContactFilter { NameContains = name_contains, Email = email, AccountId = account_id, TitleContains = title_contains, Owner = owner };
        RecordPage<ContactSummary> page = await gateway.SearchContactsAsync(filter, new PageRequest(tooling.PageSize(max_results), cursor), cancellationToken);
        string? warning = tooling.UsageWarning(context);
        (string text, string? notice) = CrmTooling.Render(page, "contact", gateway.Provider, ContactLine, warning);
        return ToolResult.Create(new Output(gateway.Provider, page.Query, page.Records, page.Records.Count, notice is not null, page.Total,
            page.NextCursor, notice, warning), text, json);
    }

    /// <summary>One contact on one line (also crm_get_account's).</summary>
    internal static string ContactLine(ContactSummary c) =>
        $"{c.Id} {CrmTooling.Line(c.Name)} ({CrmTooling.Line(c.Title ?? "no title")}, {CrmTooling.Line(c.Email ?? "no e-mail")}, {CrmTooling.Line(c.Phone ?? "no phone")}, account {CrmTooling.Line(c.AccountName ?? c.AccountId ?? "none")})";

    /// <summary>A page of contacts; see <see cref="SearchAccountsTool.Output"/> for the paging members.</summary>
    public sealed record Output(string Provider, string Query, IReadOnlyList<ContactSummary> Contacts, int Count, bool Truncated,
        long? Total, string? NextCursor, string? Notice, string? Warning);
}
