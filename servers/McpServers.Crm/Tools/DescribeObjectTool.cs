using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text;
using McpServers.Crm.Backend;
using McpServers.Shared.Pipeline;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Crm.Tools;

public sealed class DescribeObjectTool(ICrmGateway gateway, CrmTooling tooling, ServerJson json)
{
    [McpServerTool(Name = "crm_describe_object", Title = "Describe object", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [Description("Lists the fields of accounts, contacts or opportunities that this server allows: API name, label, type, whether it can be filtered on or written, and the picklist values, so filters and writes use valid names and values.")]
    public async Task<CallToolResult> DescribeObject(
        RequestContext<CallToolRequestParams> context,
        [Description("account, contact or opportunity."), AllowedValues("account", "contact", "opportunity")] string object_type,
        CancellationToken cancellationToken = default)
    {
        ObjectDescription d = await gateway.DescribeObjectAsync(CrmTooling.ObjectKind(object_type), cancellationToken);
        string? warning = tooling.UsageWarning(context);
        var text = new StringBuilder();
        text.Append(d.Label).Append(" (").Append(gateway.Provider).Append(' ').Append(d.ApiName).Append("): ")
            .Append(d.Fields.Count).Append(" allowed fields\n");
        foreach (FieldInfo f in d.Fields)
        {
            text.Append(f.Name).Append(" \"").Append(CrmTooling.Line(f.Label)).Append("\" ").Append(f.Type);
            text.Append(f.Filterable ? ", filterable" : "").Append(f.Writable ? ", writable" : "");
            if (f.Values.Count > 0)
            {
                text.Append(", values: ").AppendJoin(" | ", f.Values.Select(CrmTooling.Line));
            }

            text.Append('\n');
        }

        CrmTooling.AppendWarning(text, warning);
        return ToolResult.Create(new Output(gateway.Provider, d.ObjectName, d.ApiName, d.Label, d.Fields, warning), text.ToString().TrimEnd('\n'), json);
    }

    /// <summary>The allowed fields of one object (the provider's describe intersected with the administrator's allowlist).</summary>
    public sealed record Output(string Provider, string ObjectName, string ApiName, string Label, IReadOnlyList<FieldInfo> Fields, string? Warning);
}
