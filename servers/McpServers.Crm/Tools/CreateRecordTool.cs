using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json;
using McpServers.Crm.Backend;
using McpServers.Shared.Pipeline;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Crm.Tools;

public sealed class CreateRecordTool(ICrmGateway gateway, ServerJson json) : IConfirmableTool
{
    [McpServerTool(Name = "crm_create_record", Title = "Create record", ReadOnly = false, Destructive = false, Idempotent = false,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [RequiresConfirmation]
    [Description("Creates an account, contact or opportunity as the signed-in user, setting only fields the administrator allows (crm_describe_object marks them writable and lists picklist values). Values are checked against the field's type and picklist before anything is sent. Returns the new record's id and link.")]
    public async Task<CallToolResult> CreateRecord(
        [Description("account, contact or opportunity."), AllowedValues("account", "contact", "opportunity")] string object_type,
        [Description("Field API name → value, e.g. {\"LastName\": \"Ng\", \"Email\": \"ng@example.com\"} (Salesforce) or {\"lastname\": \"Ng\"} (HubSpot). Dates YYYY-MM-DD, numbers as numbers.")] Dictionary<string, JsonElement> fields,
        CancellationToken cancellationToken = default)
    {
        RecordWritten written = await gateway.CreateRecordAsync(CrmTooling.ObjectKind(object_type), CrmTooling.Fields(fields), cancellationToken);
        string message = $"Created {object_type} {written.Id} in {gateway.Provider}.";
        return ToolResult.Create(new Output(gateway.Provider, written.ObjectName, written.Id, written.Url, message), $"{message} {written.Url}", json);
    }

    /// <summary>The gateway checks every field (allowlist, type, picklist) before anyone is asked; the preview shows them as they will be sent.</summary>
    public async ValueTask<ConfirmationPreview> PrepareConfirmationAsync(IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        string name = CrmTooling.Text(arguments, "object_type") ?? string.Empty;
        IReadOnlyList<FieldValue> fields = await gateway.CheckWriteAsync(CrmTooling.ObjectKind(name), CrmTooling.FieldsArgument(arguments), cancellationToken);
        var text = new StringBuilder($"Create a new {name} in {gateway.Provider} as the signed-in user, with:");
        CrmTooling.AppendFields(text, fields);
        return new ConfirmationPreview(text.ToString());
    }

    /// <summary>The record written: provider object name, id, link, and what was done.</summary>
    public sealed record Output(string Provider, string ObjectName, string Id, string Url, string Message);
}
