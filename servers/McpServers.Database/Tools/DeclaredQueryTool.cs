using System.Text.Json;
using McpServers.Database.Backend;
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

    public DeclaredQueryTool(DeclaredQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        _query = query;
        ProtocolTool = new Tool
        {
            Name = query.Name,
            Title = query.Name,
            Description = query.Description,
            InputSchema = query.InputSchema,
            OutputSchema = RowsSchema.Value,
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
        return ResultFormat.Rows(await gateway.RunDeclaredAsync(_query, arguments, cancellationToken));
    }

    private static readonly Lazy<JsonElement> RowsSchema = new(() =>
        System.Text.Json.Schema.JsonSchemaExporter.GetJsonSchemaAsNode(DatabaseServer.Json.Options.GetTypeInfo(typeof(RowsOutput)))
            .Deserialize(DatabaseJsonContext.Default.JsonElement));
}
