using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using McpServers.Ticketing.Backend;
using ModelContextProtocol.Protocol;

namespace McpServers.Ticketing.Tools;

/// <summary>Every result twice: structured content (for programs) and compact text (for the model).</summary>
internal static class ResultFormat
{
    public static CallToolResult Search(SearchPage page)
    {
        var text = new StringBuilder();
        foreach (IssueSummary i in page.Issues)
        {
            text.Append(i.Key).Append(" [").Append(i.Status).Append("] ").Append(i.Summary)
                .Append(" (").Append(i.Type).Append(", ").Append(i.Priority ?? "no priority").Append(", ")
                .Append(i.Assignee ?? "unassigned").Append(", updated ").Append(i.Updated).Append(")\n");
        }

        text.Append(page.Count == 0 ? "No issues match." : string.Create(CultureInfo.InvariantCulture, $"({page.Count} issue{(page.Count == 1 ? "" : "s")})"));
        if (page.Notice is { } notice)
        {
            text.Append(' ').Append(notice).Append("\nnext_cursor: ").Append(page.NextCursor);
        }

        return Result(text.ToString(), page);
    }

    public static CallToolResult Issue(IssueDetail d)
    {
        var text = new StringBuilder();
        text.Append(d.Key).Append(": ").Append(d.Summary).Append('\n')
            .Append("status: ").Append(d.Status).Append(" | type: ").Append(d.Type).Append(" | priority: ").Append(d.Priority ?? "none")
            .Append("\nassignee: ").Append(d.Assignee ?? "unassigned").Append(" | reporter: ").Append(d.Reporter)
            .Append("\ncreated: ").Append(d.Created).Append(" | updated: ").Append(d.Updated).Append('\n');
        if (d.Labels.Count > 0)
        {
            text.Append("labels: ").AppendJoin(", ", d.Labels).Append('\n');
        }

        if (d.Parent is { } parent)
        {
            text.Append("parent: ").Append(parent.Key).Append(' ').Append(parent.Summary).Append('\n');
        }

        text.Append(d.Url).Append("\n\n").Append(d.Description.Length == 0 ? "(no description)" : d.Description).Append('\n');
        foreach (IssueRef s in d.Subtasks)
        {
            text.Append("\nsubtask ").Append(s.Key).Append(" [").Append(s.Status).Append("] ").Append(s.Summary);
        }

        foreach (IssueLinkInfo l in d.Links)
        {
            text.Append('\n').Append(l.Relation).Append(' ').Append(l.Key).Append(" [").Append(l.Status).Append("] ").Append(l.Summary);
        }

        if (d.Comments.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n\ncomments (newest {d.Comments.Count} of {d.CommentsTotal}):");
            foreach (CommentInfo c in d.Comments)
            {
                text.Append("\n--- ").Append(c.Author).Append(", ").Append(c.Created).Append('\n').Append(c.Body);
            }
        }

        return Result(text.ToString().TrimEnd(), d);
    }

    public static CallToolResult Projects(ProjectList list)
    {
        string text = list.Projects.Count == 0
            ? "None of the allowed projects is visible to the configured Jira account."
            : string.Join('\n', list.Projects.Select(p => $"{p.Key}: {p.Name} ({p.Type})"));
        return Result(text, list);
    }

    public static CallToolResult Transitions(TransitionList list)
    {
        string text = list.Transitions.Count == 0
            ? $"{list.IssueKey} has no transitions available to the configured account."
            : $"Transitions available for {list.IssueKey}:\n" + string.Join('\n', list.Transitions.Select(t => $"{t.Name} (id {t.Id}) → {t.ToStatus}"));
        return Result(text, list);
    }

    public static CallToolResult Write(WriteResult result) => Result($"{result.Message} {result.Url}", result);

    private static CallToolResult Result<T>(string text, T value) => new()
    {
        Content = [new TextContentBlock { Text = text }],
        // With the same options the SDK used for the advertised outputSchema, so the two always agree.
        StructuredContent = JsonSerializer.SerializeToElement(value, (JsonTypeInfo<T>)TicketingServer.Json.Options.GetTypeInfo(typeof(T))),
    };
}
