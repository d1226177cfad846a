using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using McpServers.Database.Backend;
using McpServers.Shared.Pipeline;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Database.Tools;

/// <summary>
/// One administrator-declared query (from the declared-tools file) as its own tool, advertising exactly the
/// administrator's parameter schema. The shared pipeline validates arguments against it before this runs.
/// </summary>
public sealed class DeclaredQueryTool : McpServerTool
{
    private readonly DeclaredQuery _query;
    private readonly ServerJson _json;

    public DeclaredQueryTool(DeclaredQuery query, ServerJson json)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(json);
        _query = query;
        _json = json;
        ProtocolTool = new Tool
        {
            Name = query.Name,
            Title = query.Name,
            Description = query.Description,
            InputSchema = WithDescriptions(query.InputSchema, json),
            // The same generator the SDK uses for db_query's outputSchema: a bare JsonSchemaExporter call marks the root
            // (and every nested object) nullable, and MCP clients such as the TypeScript SDK reject a tools/list whose
            // output schema is not "type": "object" at the top.
            OutputSchema = AIJsonUtilities.CreateJsonSchema(typeof(RowsOutput), serializerOptions: json.Options),
            Annotations = new ToolAnnotations
            {
                Title = query.Name,
                ReadOnlyHint = true,
                DestructiveHint = false,
                IdempotentHint = true,
                OpenWorldHint = false,
            },
        };
    }

    public override Tool ProtocolTool { get; }

    public override IReadOnlyList<object> Metadata => [];

    public override async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        IDatabaseGateway gateway = (IDatabaseGateway)request.Services!.GetService(typeof(IDatabaseGateway))!;
        var arguments = new Dictionary<string, JsonElement>(request.Params?.Arguments ?? new Dictionary<string, JsonElement>());
        return RowsOutput.Result(await gateway.RunDeclaredAsync(_query, arguments, cancellationToken), _json);
    }

    /// <summary>
    /// Administrators often leave parameters undescribed; the model still needs to know what to send. A missing
    /// description is written from the parameter's own constraints (annotations only: nothing enforced changes).
    /// </summary>
    private static JsonElement WithDescriptions(JsonElement schema, ServerJson json)
    {
        if (JsonNode.Parse(schema.GetRawText()) is not JsonObject root || root["properties"] is not JsonObject properties)
        {
            return schema;
        }

        foreach (var (name, node) in properties)
        {
            if (node is not JsonObject property || property.ContainsKey("description"))
            {
                continue;
            }

            var parts = new List<string> { $"Value for :{name}." };
            if (property["enum"] is JsonArray values)
            {
                parts.Add("One of: " + string.Join(", ", values.Select(v => v?.ToString())) + ".");
            }

            if (property["pattern"] is JsonValue pattern)
            {
                parts.Add($"Must match {pattern}.");
            }

            if (property["format"] is JsonValue format)
            {
                parts.Add($"Format: {format}.");
            }

            if (property["maxLength"] is JsonValue maxLength)
            {
                parts.Add($"At most {maxLength} characters.");
            }

            if (property["minimum"] is JsonValue minimum)
            {
                parts.Add($"At least {minimum}.");
            }

            if (property["maximum"] is JsonValue maximum)
            {
                parts.Add($"At most {maximum}.");
            }

            property["description"] = string.Join(" ", parts);
        }

        return JsonSerializer.SerializeToElement(root, (JsonTypeInfo<JsonObject>)json.Options.GetTypeInfo(typeof(JsonObject)));
    }
}
