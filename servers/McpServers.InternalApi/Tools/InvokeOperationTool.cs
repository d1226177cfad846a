using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.InternalApi.Backend;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Text;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.InternalApi.Tools;

/// <summary>
/// One selected OpenAPI operation as its own tool, advertising exactly the schema generated for it. The shared
/// pipeline validates arguments against that schema before this runs, so a refused call never reaches the service.
/// </summary>
public sealed class InvokeOperationTool : McpServerTool
{
    private readonly ApiOperation _operation;
    private readonly ServerJson _json;

    public InvokeOperationTool(ApiOperation operation, ServerJson json)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(json);
        _operation = operation;
        _json = json;
        ProtocolTool = new Tool
        {
            Name = operation.ToolName,
            Title = operation.Title,
            Description = operation.Description,
            InputSchema = operation.InputSchema,
            Annotations = new ToolAnnotations
            {
                Title = operation.Title,
                ReadOnlyHint = operation.ReadOnly,
                DestructiveHint = operation.Destructive,
                IdempotentHint = operation.Idempotent,
                OpenWorldHint = false,
            },
        };
    }

    public ApiOperation Operation => _operation;

    public override Tool ProtocolTool { get; }

    public override IReadOnlyList<object> Metadata => [];

    public override async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        IApiGateway gateway = request.Services!.GetRequiredService<IApiGateway>();
        var arguments = new Dictionary<string, JsonElement>(request.Params?.Arguments ?? new Dictionary<string, JsonElement>(), StringComparer.Ordinal);
        ApiResponse response = await gateway.CallAsync(_operation, arguments, cancellationToken);
        (OperationOutput output, string text) = Render(response);
        return ToolResult.Create(output, text, _json);
    }

    /// <summary>The response as structured content plus a compact text rendering; binary bodies are described, not dumped.</summary>
    private static (OperationOutput Output, string Text) Render(ApiResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        string? type = response.ContentType;
        long total = response.TotalBytes ?? response.Body.Length;
        Truncation truncation = response.Truncated
            ? Truncation.Cut(response.Body.Length, response.TotalBytes, null, $"response size {response.Body.Length.ToString(CultureInfo.InvariantCulture)} bytes")
            : Truncation.None(response.Body.Length);
        OperationOutput output;
        string text;
        if (response.Body.Length == 0)
        {
            output = new OperationOutput(response.Status, type, null, null, 0, truncation);
            text = $"HTTP {response.Status.ToString(CultureInfo.InvariantCulture)}, no content.";
        }
        else if (IsJson(type) && !response.Truncated && TryParse(response.Body) is { } json)
        {
            output = new OperationOutput(response.Status, type, json, null, total, truncation);
            text = json.ToJsonString();
        }
        else if (IsJson(type) || IsText(type))
        {
            string body = TextHygiene.Clean(DecodeWhole(response.Body));
            output = new OperationOutput(response.Status, type, null, body, total, truncation);
            text = truncation.Truncated ? body + "\n" + truncation.Notice() : body;
        }
        else
        {
            output = new OperationOutput(response.Status, type, null, null, total, Truncation.None(0));
            text = $"HTTP {response.Status.ToString(CultureInfo.InvariantCulture)}: binary content ({type ?? "unknown type"}, {total.ToString(CultureInfo.InvariantCulture)} bytes{(response.Truncated ? " or more" : "")}), not shown.";
        }

        return (output, text);
    }

    private static JsonNode? TryParse(byte[] body)
    {
        try
        {
            return Clean(JsonNode.Parse(body));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Backend text is data: control and bidi characters are removed from every string value.</summary>
    private static JsonNode? Clean(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (string key in obj.Select(p => p.Key).ToList())
                {
                    JsonNode? child = obj[key];
                    if (Clean(child) is var cleanedChild && !ReferenceEquals(cleanedChild, child))
                    {
                        obj[key] = cleanedChild;
                    }
                }

                return obj;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    JsonNode? item = array[i];
                    if (Clean(item) is var cleanedItem && !ReferenceEquals(cleanedItem, item))
                    {
                        array[i] = cleanedItem;
                    }
                }

                return array;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                string s = value.GetValue<string>();
                string cleaned = TextHygiene.Clean(s);
                return ReferenceEquals(s, cleaned) ? value : JsonValue.Create(cleaned);
            default:
                return node;
        }
    }

    /// <summary>Decodes UTF-8, dropping a character cut in half at the end.</summary>
    private static string DecodeWhole(byte[] body)
    {
        string text = Encoding.UTF8.GetString(body);
        return text.EndsWith('\uFFFD') ? text[..^1] : text;
    }

    private static bool IsJson(string? type) =>
        type is not null && (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static bool IsText(string? type) =>
        type is not null && (type.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || type.EndsWith("xml", StringComparison.OrdinalIgnoreCase));
}

/// <summary>What an operation tool returns as structured content.</summary>
/// <param name="Body">The JSON body when it was JSON and complete (strings cleaned of control and bidi characters).</param>
/// <param name="BodyText">Text bodies, and JSON bodies that had to be cut.</param>
public sealed record OperationOutput(int Status, string? ContentType, JsonNode? Body, string? BodyText, long? Bytes, Truncation Truncation);
