using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using McpServers.Crm.Backend;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Crm.Tools;

public sealed class ListActivitiesTool(ICrmGateway gateway, CrmTooling tooling, ServerJson json)
{
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = CrmTooling.MaxLengthJustification)]
    [McpServerTool(Name = "crm_list_activities", Title = "List activities", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [Description("Lists the activities (tasks, calls, meetings, notes, e-mails) of one account, contact or opportunity, newest first: kind, subject, status, when, owner and the text (cut at the administrator's limit). Paged: when cut, next_cursor fetches the next page.")]
    public async Task<CallToolResult> ListActivities(
        RequestContext<CallToolRequestParams> context,
        [Description("The record id of an account, contact or opportunity."), RegularExpression(CrmTooling.IdPattern)] string record_id,
        [Description("Only these kinds: task, call, meeting, note, email (default all)."), MaxLength(5)] IReadOnlyList<string>? kinds = null,
        [Description("Activities per page (default set by the administrator; the server caps it)."), Range(1, 1000)] int? max_results = null,
        [Description("next_cursor from a previous call with the same arguments, for the next page."), StringLength(4096)] string? cursor = null,
        CancellationToken cancellationToken = default)
    {
        RecordPage<ActivityInfo> page = await gateway.ListActivitiesAsync(record_id, new ActivityFilter(Kinds(kinds)),
            new PageRequest(tooling.PageSize(max_results), cursor), cancellationToken);
        string? warning = tooling.UsageWarning(context);
        (string text, string? notice) = CrmTooling.Render(page, "activity", gateway.Provider, ActivityLine, warning);
        return ToolResult.Create(new Output(gateway.Provider, record_id, page.Query, page.Records, page.Records.Count, notice is not null,
            page.Total, page.NextCursor, notice, warning), text, json);
    }

    private static IReadOnlyList<ActivityKind> Kinds(IReadOnlyList<string>? kinds)
    {
        var parsed = new List<ActivityKind>();
        for (int i = 0; i < (kinds?.Count ?? 0); i++)
        {
            parsed.Add(kinds![i] switch
            {
                "task" => ActivityKind.Task,
                "call" => ActivityKind.Call,
                "meeting" => ActivityKind.Meeting,
                "note" => ActivityKind.Note,
                "email" => ActivityKind.Email,
                _ => throw new ToolInputException($"`kinds[{i}]` must be one of task, call, meeting, note, email."),
            });
        }

        return [.. parsed.Distinct()];
    }

    /// <summary>One activity: a header line, then its text indented (also crm_get_account's).</summary>
    internal static string ActivityLine(ActivityInfo a)
    {
        string head = $"{a.Id} {a.Kind} {a.When ?? "-"}: {CrmTooling.Line(a.Subject ?? "(no subject)")} [{CrmTooling.Line(a.Status ?? "-")}, {CrmTooling.Line(a.Owner ?? "-")}]";
        return string.IsNullOrWhiteSpace(a.Body) ? head : head + "\n    " + a.Body.ReplaceLineEndings("\n    ");
    }

    /// <summary>A page of activities of <see cref="RecordId"/>; paging members as in crm_search_accounts.</summary>
    public sealed record Output(string Provider, string RecordId, string Query, IReadOnlyList<ActivityInfo> Activities, int Count,
        bool Truncated, long? Total, string? NextCursor, string? Notice, string? Warning);
}
