using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Backend.ServiceNow;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.ServiceNow;

public sealed class CreateRecordTool(ServiceNowGateway gateway, ServerJson json) : IConfirmableTool
{
    [McpServerTool(Name = "snow_create_record", Title = "Create ServiceNow record", ReadOnly = false, Destructive = false, Idempotent = false,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [RequiresConfirmation]
    [Description("Creates a record (e.g. an incident) in a table the administrator allows for creation, setting only allowlisted fields, as the configured ServiceNow user; ServiceNow's own rules then apply (defaults, assignment, notifications).")]
    public async Task<CallToolResult> CreateRecord(
        [Description("The table to create in, e.g. incident (only those the administrator allows)."), StringLength(80)] string table,
        [Description("Field → value, e.g. {\"short_description\": \"VPN down in Berlin\", \"urgency\": \"2\"}.")] Dictionary<string, JsonElement> fields,
        CancellationToken cancellationToken = default)
    {
        (string name, IReadOnlyDictionary<string, string> values) = await CheckAsync(table, fields, cancellationToken);
        SnowWritten written = await gateway.CreateAsync(name, values, cancellationToken);
        string message = $"Created {written.Number ?? written.SysId} in {name}.";
        return ToolResult.Create(new Output(name, written.SysId, written.Number, written.Url, message), $"{message} {written.Url}", json);
    }

    public async ValueTask<ConfirmationPreview> PrepareConfirmationAsync(IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        (string name, IReadOnlyDictionary<string, string> values) = await CheckAsync(SnowTooling.Text(arguments, "table"), SnowTooling.FieldsArgument(arguments), cancellationToken);
        var text = new StringBuilder($"Create a record in ServiceNow table {name}, setting:");
        SnowTooling.AppendFields(text, values);
        return new ConfirmationPreview(text.ToString());
    }

    private async Task<(string Table, IReadOnlyDictionary<string, string> Values)> CheckAsync(string? table, IReadOnlyDictionary<string, JsonElement>? fields,
        CancellationToken cancellationToken)
    {
        string name = gateway.Table(table, forWrite: true);
        if (!gateway.Options.CreateTables.Contains(name, StringComparer.Ordinal))
        {
            throw new ToolInputException($"Records cannot be created in '{name}' here; allowed: {string.Join(", ", gateway.Options.CreateTables)} (ServiceNow:CreateTables).");
        }

        return (name, await SnowTooling.WriteFieldsAsync(gateway, name, fields, cancellationToken));
    }

    /// <summary>The record created: table, sys_id, number, link, and what was done.</summary>
    public sealed record Output(string Table, string SysId, string? Number, string Url, string Message);
}
