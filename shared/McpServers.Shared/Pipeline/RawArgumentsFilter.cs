using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Shared.Audit;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// Looks at a tools/call while its arguments are still the client's raw JSON, before the SDK binds them: a
/// string with a lone UTF-16 surrogate (<c>"\ud800"</c>) makes the SDK fail the request before any call-tool
/// filter runs (so no audit line), and a repeated parameter name is silently reduced to its last value by the
/// SDK's dictionary (so validation would check one value and an audit reader could see another). Both are refused
/// here as input errors, with their one audit line (<c>invalid</c>).
/// After a call with outsized arguments (over <see cref="LargeArgumentsBytes"/>; the schemas refuse most of them) the
/// garbage collector is asked to compact and give the memory back, so one 5 MB request does not leave the process
/// hundreds of MB larger for the rest of its life.
/// </summary>
internal sealed class RawArgumentsFilter(AuditFilter audit)
{
    private const string LoneSurrogate =
        "A text value or name contains a lone UTF-16 surrogate (such as \\ud800 without its pair), which is not valid Unicode; send the text as valid Unicode.";

    internal const int LargeArgumentsBytes = 1024 * 1024;

    public async Task InvokeAsync(MessageContext context, McpMessageHandler next, CancellationToken cancellationToken)
    {
        if (context.JsonRpcMessage is not JsonRpcRequest { Method: RequestMethods.ToolsCall } request)
        {
            await next(context, cancellationToken);
            return;
        }

        string? problem = Problem(request.Params, out string tool, out JsonElement arguments, out int size);
        try
        {
            await Dispatch(context, request, tool, arguments, problem, next, cancellationToken);
        }
        finally
        {
            if (size > LargeArgumentsBytes)
            {
                ScheduleCompaction();
            }
        }
    }

    private static int _compactionPending;

    /// <summary>Shortly after the call (its request and reply no longer referenced), one compacting collection that returns free memory to the OS.</summary>
    private static void ScheduleCompaction()
    {
        if (Interlocked.Exchange(ref _compactionPending, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
            Volatile.Write(ref _compactionPending, 0);
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        });
    }

    private async Task Dispatch(MessageContext context, JsonRpcRequest request, string tool, JsonElement arguments, string? problem, McpMessageHandler next, CancellationToken cancellationToken)
    {
        if (problem is not null)
        {
            CallToolResult result = ToolResults.Error($"Invalid arguments for '{tool}'; nothing was done. {problem} Call again with corrected arguments.");
            audit.WriteRefused(context, request, tool, arguments, AuditOutcome.Invalid, problem);
            await context.Server.SendMessageAsync(new JsonRpcResponse
            {
                Id = request.Id,
                Result = JsonSerializer.SerializeToNode(result, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(CallToolResult))),
            }, cancellationToken);
            return;
        }

        await next(context, cancellationToken);
    }

    /// <summary>What is wrong with the raw arguments, or null when the SDK may bind them.</summary>
    internal static string? Problem(JsonNode? parameters, out string tool, out JsonElement arguments) => Problem(parameters, out tool, out arguments, out _);

    /// <param name="size">The arguments' length as UTF-8 JSON (0 when they could not be written out).</param>
    internal static string? Problem(JsonNode? parameters, out string tool, out JsonElement arguments, out int size)
    {
        tool = string.Empty;
        arguments = default;
        size = 0;
        byte[] raw;
        try
        {
            // A call the SDK cannot bind fails before any call-tool filter, so without these it would get no audit line.
            if (parameters is not JsonObject call)
            {
                return "The tools/call params must be an object with the tool's `name` and its `arguments`.";
            }

            tool = call["name"] is JsonValue name && name.TryGetValue(out string? text) ? text : string.Empty;
            // Writing the whole params out finds a lone surrogate anywhere (the name, _meta, the arguments).
            _ = call.ToJsonString();
            if (tool.Length == 0)
            {
                return "The tools/call params must name the tool as a string (`name`).";
            }

            if (call["arguments"] is not { } given)
            {
                return null;
            }

            if (given is not JsonObject node)
            {
                return "`arguments` must be a JSON object of parameter names and values.";
            }

            raw = Encoding.UTF8.GetBytes(node.ToJsonString());
            size = raw.Length;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or JsonException)
        {
            // Writing the arguments out unescapes their strings, and a lone surrogate cannot be unescaped.
            return Walk(parameters, 0) ?? "The request could not be read as JSON text.";
        }

        using JsonDocument document = JsonDocument.Parse(raw);
        arguments = document.RootElement.Clone();
        var reader = new Utf8JsonReader(raw);
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
            {
                continue;
            }

            string value;
            try
            {
                value = reader.GetString()!;
            }
            catch (InvalidOperationException)
            {
                return LoneSurrogate;
            }

            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && !names.Add(value))
            {
                return $"The parameter `{value}` appears more than once; give each parameter once.";
            }
        }

        return null;
    }

    /// <summary>Finds the problem in a parsed request that cannot be written out again as JSON.</summary>
    private static string? Walk(JsonNode? node, int depth)
    {
        try
        {
            switch (node)
            {
                case JsonObject o when depth < 64:
                    foreach (var (_, child) in o)
                    {
                        if (Walk(child, depth + 1) is { } problem)
                        {
                            return problem;
                        }
                    }

                    return null;
                case JsonArray a when depth < 64:
                    foreach (JsonNode? item in a)
                    {
                        if (Walk(item, depth + 1) is { } problem)
                        {
                            return problem;
                        }
                    }

                    return null;
                case JsonValue v when v.TryGetValue(out JsonElement e) && e.ValueKind == JsonValueKind.String:
                    _ = e.GetString();
                    return null;
                default:
                    return null;
            }
        }
        catch (InvalidOperationException)
        {
            return LoneSurrogate;
        }
        catch (ArgumentException)
        {
            return "A name appears more than once in one object; give each name once.";
        }
    }
}
