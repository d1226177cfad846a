using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Backend.ServiceNow;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.ServiceNow;

public sealed class AddWorkNoteTool(ServiceNowGateway gateway, ServerJson json) : IConfirmableTool
{
    [McpServerTool(Name = "snow_add_work_note", Title = "Add ServiceNow work note", ReadOnly = false, Destructive = false, Idempotent = false,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [RequiresConfirmation]
    [Description("Adds a work note (internal, the default) or an additional comment (visible to the caller, who may be e-mailed) to one record, as the configured ServiceNow user.")]
    public async Task<CallToolResult> AddWorkNote(
        [Description(SnowTooling.TableDescription), StringLength(80)] string table,
        [Description("Record number, e.g. INC0010001, or its 32-character sys_id."), StringLength(32, MinimumLength = 1)] string id,
        [Description("The note's text (plain text)."), StringLength(SnowTooling.MaxWriteChars, MinimumLength = 1)] string text,
        [Description("work_note (internal, default) or comment (visible to the caller).")][AllowedValues("work_note", "comment")] string? visibility = null,
        CancellationToken cancellationToken = default)
    {
        string name = gateway.Table(table, forWrite: true);
        string note = SnowTooling.WriteText(text, nameof(text));
        bool comment = visibility == "comment";
        SnowRecord record = await gateway.GetAsync(name, id.Trim(), cancellationToken);
        SnowWritten written = await gateway.UpdateAsync(name, record.SysId,
            new Dictionary<string, string>(StringComparer.Ordinal) { [comment ? "comments" : "work_notes"] = note }, cancellationToken);
        string message = $"Added a {(comment ? "comment (visible to the caller)" : "work note")} to {written.Number ?? written.SysId}.";
        return ToolResult.Create(new Output(name, written.SysId, written.Number, written.Url, comment ? "comment" : "work_note", message), $"{message} {written.Url}", json);
    }

    public async ValueTask<ConfirmationPreview> PrepareConfirmationAsync(IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        string name = gateway.Table(SnowTooling.Text(arguments, "table"), forWrite: true);
        string note = SnowTooling.WriteText(SnowTooling.Text(arguments, "text") ?? "", "text");
        bool comment = SnowTooling.Text(arguments, "visibility") == "comment";
        SnowRecord record = await gateway.GetAsync(name, SnowTooling.Text(arguments, "id")?.Trim() ?? "", cancellationToken);
        string kind = comment ? "an additional comment, visible to the caller (who may be e-mailed)," : "an internal work note";
        return new ConfirmationPreview($"Add {kind} to ServiceNow {name} {record.Number ?? record.SysId}:\n{ConfirmationPreview.Value(note)}");
    }

    /// <summary>The record written: table, sys_id, number, link, which kind of note, and what was done.</summary>
    public sealed record Output(string Table, string SysId, string? Number, string Url, string Visibility, string Message);
}
