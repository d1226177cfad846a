using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Backend.ServiceNow;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.ServiceNow;

public sealed class UpdateRecordTool(ServiceNowGateway gateway, ServerJson json) : IConfirmableTool
{
    [McpServerTool(Name = "snow_update_record", Title = "Update ServiceNow record", ReadOnly = false, Destructive = true, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [RequiresConfirmation]
    [Description("Changes allowlisted fields of one record (e.g. an incident's state, assignment_group or urgency) as the configured ServiceNow user. ServiceNow's own rules decide which state changes the table allows; fields not named stay as they are.")]
    public async Task<CallToolResult> UpdateRecord(
        [Description(SnowTooling.TableDescription), StringLength(80)] string table,
        [Description("Record number, e.g. INC0010001, or its 32-character sys_id."), StringLength(32, MinimumLength = 1)] string id,
        [Description("Field → new value, e.g. {\"state\": \"2\", \"assignment_group\": \"Network\"}.")] Dictionary<string, JsonElement> fields,
        CancellationToken cancellationToken = default)
    {
        string name = gateway.Table(table, forWrite: true);
        IReadOnlyDictionary<string, string> values = await SnowTooling.WriteFieldsAsync(gateway, name, fields, cancellationToken);
        SnowRecord record = await gateway.GetAsync(name, id.Trim(), cancellationToken);
        SnowWritten written = await gateway.UpdateAsync(name, record.SysId, values, cancellationToken);
        string message = $"Updated {string.Join(", ", values.Keys)} of {written.Number ?? written.SysId} in {name}.";
        return ToolResult.Create(new Output(name, written.SysId, written.Number, written.Url, message), $"{message} {written.Url}", json);
    }

    /// <summary>The record is read first, so the human sees which record changes (and a record that is not visible is refused before anyone is asked).</summary>
    public async ValueTask<ConfirmationPreview> PrepareConfirmationAsync(IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        string name = gateway.Table(SnowTooling.Text(arguments, "table"), forWrite: true);
        IReadOnlyDictionary<string, string> values = await SnowTooling.WriteFieldsAsync(gateway, name, SnowTooling.FieldsArgument(arguments), cancellationToken);
        SnowRecord record = await gateway.GetAsync(name, SnowTooling.Text(arguments, "id")?.Trim() ?? "", cancellationToken);
        var text = new StringBuilder($"Update ServiceNow {name} {record.Number ?? record.SysId}");
        if (record.Fields.TryGetValue("short_description", out string? title))
        {
            text.Append(" (").Append(ConfirmationPreview.Value(title)).Append(')');
        }

        text.Append(", setting:");
        SnowTooling.AppendFields(text, values);
        return new ConfirmationPreview(text.ToString());
    }

    /// <summary>The record written: table, sys_id, number, link, and what was done.</summary>
    public sealed record Output(string Table, string SysId, string? Number, string Url, string Message);
}
