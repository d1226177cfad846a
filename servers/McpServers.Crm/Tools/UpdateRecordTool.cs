using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json;
using McpServers.Crm.Backend;
using McpServers.Shared.Pipeline;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Crm.Tools;

public sealed class UpdateRecordTool(ICrmGateway gateway, ServerJson json) : IConfirmableTool
{
    [McpServerTool(Name = "crm_update_record", Title = "Update record", ReadOnly = false, Destructive = true, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [RequiresConfirmation]
    [Description("Changes fields of one account, contact or opportunity the signed-in user may edit, e.g. an opportunity's stage, next step or close date. Only fields the administrator allows (crm_describe_object marks them writable); values are checked against the field's type and picklist before anything is sent. Fields not named stay as they are.")]
    public async Task<CallToolResult> UpdateRecord(
        [Description("account, contact or opportunity."), AllowedValues("account", "contact", "opportunity")] string object_type,
        [Description("The record's id."), RegularExpression(CrmTooling.IdPattern)] string record_id,
        [Description("Field API name → new value, e.g. {\"StageName\": \"Negotiation/Review\", \"CloseDate\": \"2026-12-15\"} (Salesforce) or {\"dealstage\": \"contractsent\"} (HubSpot).")] Dictionary<string, JsonElement> fields,
        CancellationToken cancellationToken = default)
    {
        IReadOnlyDictionary<string, JsonElement> checkedFields = CrmTooling.Fields(fields);
        RecordWritten written = await gateway.UpdateRecordAsync(CrmTooling.ObjectKind(object_type), record_id, checkedFields, cancellationToken);
        string message = $"Updated {string.Join(", ", checkedFields.Keys)} of {object_type} {written.Id} in {gateway.Provider}.";
        return ToolResult.Create(new Output(gateway.Provider, written.ObjectName, written.Id, written.Url, message), $"{message} {written.Url}", json);
    }

    /// <summary>The gateway checks every field (allowlist, type, picklist) before anyone is asked; the preview shows the new values.</summary>
    public async ValueTask<ConfirmationPreview> PrepareConfirmationAsync(IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        string name = CrmTooling.Text(arguments, "object_type") ?? string.Empty;
        IReadOnlyList<FieldValue> fields = await gateway.CheckWriteAsync(CrmTooling.ObjectKind(name), CrmTooling.FieldsArgument(arguments), cancellationToken);
        var text = new StringBuilder($"Update {name} {ConfirmationPreview.Value(CrmTooling.Text(arguments, "record_id"))} in {gateway.Provider} as the signed-in user, setting:");
        CrmTooling.AppendFields(text, fields);
        return new ConfirmationPreview(text.ToString());
    }

    /// <summary>The record written: provider object name, id, link, and what was done.</summary>
    public sealed record Output(string Provider, string ObjectName, string Id, string Url, string Message);
}
