using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json;
using McpServers.Crm.Backend;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Text;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Crm.Tools;

public sealed class LogActivityTool(ICrmGateway gateway, ServerJson json) : IConfirmableTool
{
    [McpServerTool(Name = "crm_log_activity", Title = "Log activity", ReadOnly = false, Destructive = false, Idempotent = false,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [RequiresConfirmation]
    [Description("Logs a task, call, meeting or note on an account, contact or opportunity, owned by the signed-in user (e.g. 'log a call with Acme about the renewal'). Returns the new activity's id and link.")]
    public async Task<CallToolResult> LogActivity(
        [Description("task, call, meeting or note."), AllowedValues("task", "call", "meeting", "note")] string kind,
        [Description("The record id of the account, contact or opportunity it belongs to."), RegularExpression(CrmTooling.IdPattern)] string record_id,
        [Description("One-line subject, e.g. Renewal call."), StringLength(255, MinimumLength = 1), RegularExpression(CrmTooling.SingleLinePattern)] string subject,
        [Description("Notes, plain text."), StringLength(32000)] string? body = null,
        [Description("When it happened or is due (ISO 8601 date-time with offset; default now).")] DateTimeOffset? when = null,
        [Description("Duration in minutes (calls and meetings)."), Range(1, 1440)] int? duration_minutes = null,
        CancellationToken cancellationToken = default)
    {
        RecordWritten written = await gateway.LogActivityAsync(
            new NewActivity(Kind(kind), record_id, Subject(subject), body is null ? null : TextHygiene.Clean(body), when, duration_minutes), cancellationToken);
        string message = $"Logged {kind} {written.Id} on {record_id} in {gateway.Provider}.";
        return ToolResult.Create(new Output(gateway.Provider, written.ObjectName, written.Id, written.Url, message), $"{message} {written.Url}", json);
    }

    /// <summary>The preview: what will be logged where. Refuses a subject that is blank once invisible characters are gone.</summary>
    public ValueTask<ConfirmationPreview> PrepareConfirmationAsync(IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        string kind = CrmTooling.Text(arguments, "kind") ?? string.Empty;
        string subject = Subject(CrmTooling.Text(arguments, "subject") ?? string.Empty);
        var text = new StringBuilder($"Log a {ConfirmationPreview.Value(kind)} in {gateway.Provider} as the signed-in user:");
        text.Append("\n- on record: ").Append(ConfirmationPreview.Value(CrmTooling.Text(arguments, "record_id")))
            .Append("\n- subject: ").Append(ConfirmationPreview.Value(subject));
        if (arguments.TryGetValue("when", out JsonElement when) && when.ValueKind == JsonValueKind.String)
        {
            text.Append("\n- when: ").Append(ConfirmationPreview.Value(when.GetString()));
        }

        if (arguments.TryGetValue("duration_minutes", out JsonElement minutes) && minutes.ValueKind == JsonValueKind.Number)
        {
            text.Append("\n- duration: ").Append(minutes.GetRawText()).Append(" minutes");
        }

        if (CrmTooling.Text(arguments, "body") is { } body)
        {
            text.Append("\n- notes: ").Append(ConfirmationPreview.Value(TextHygiene.Clean(body)));
        }

        return ValueTask.FromResult(new ConfirmationPreview(text.ToString()));
    }

    private static ActivityKind Kind(string kind) => kind switch
    {
        "task" => ActivityKind.Task,
        "call" => ActivityKind.Call,
        "meeting" => ActivityKind.Meeting,
        "note" => ActivityKind.Note,
        _ => throw new ToolInputException("`kind` must be task, call, meeting or note."),
    };

    private static string Subject(string subject)
    {
        string clean = TextHygiene.Clean(subject).Trim();
        return clean.Length > 0 && clean.AsSpan().IndexOfAny('\r', '\n') < 0 ? clean
            : throw new ToolInputException("`subject` must be one line with visible text.");
    }

    /// <summary>The activity written: provider object name (Task, Event, calls, notes...), id, link, and what was done.</summary>
    public sealed record Output(string Provider, string ObjectName, string Id, string Url, string Message);
}
