using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Backend.ServiceNow;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.ServiceNow;

public sealed class CountRecordsTool(ServiceNowGateway gateway, ServerJson json)
{
    [McpServerTool(Name = "snow_count_records", Title = "Count ServiceNow records", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [Description("Counts records of an allowed ServiceNow table matching structured conditions, optionally per value of one field (e.g. open P1 incidents by assignment_group), with ServiceNow's Aggregate API: one call, no records fetched.")]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = SnowTooling.MaxLengthJustification)]
    public async Task<CallToolResult> CountRecords(
        [Description(SnowTooling.TableDescription), StringLength(80)] string table,
        [Description(SnowTooling.FiltersDescription), MaxLength(SnowTooling.MaxFilters)] IReadOnlyList<SnowFilter>? filters = null,
        [Description("Words to find anywhere in the record (ServiceNow's keyword search)."), StringLength(EncodedQuery.MaxValueLength)] string? text = null,
        [Description("A field of the table to count per value of, e.g. assignment_group, priority or state."), StringLength(80)] string? group_by = null,
        CancellationToken cancellationToken = default)
    {
        string name = gateway.Table(table);
        IReadOnlyList<string> fields = await gateway.FieldsAsync(name, cancellationToken);
        if (group_by is not null && !fields.Contains(group_by, StringComparer.Ordinal))
        {
            throw new ToolInputException($"`group_by` must be one of this table's fields: {string.Join(", ", fields)}.");
        }

        string query = EncodedQuery.Build(SnowTooling.Filters(filters), text, fields);
        SnowCount count = await gateway.CountAsync(name, query, group_by, cancellationToken);
        var lines = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{count.Total} {name} records"));
        foreach (SnowGroup group in count.Groups)
        {
            lines.Append(CultureInfo.InvariantCulture, $"\n{group.Value}: {group.Count}");
        }

        return ToolResult.Create(new Output(name, count.Total, group_by, count.Groups), lines.ToString(), json);
    }

    /// <summary>The total and, when grouped, the count per value (largest first).</summary>
    public sealed record Output(string Table, long Total, string? GroupBy, IReadOnlyList<SnowGroup> Groups);
}
