using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Validation;
using McpServers.Testing.Hosting;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Xunit;

namespace McpServers.Testing.Conformance;

/// <summary>How the property run treats one server's tools.</summary>
public sealed class PropertyRunOptions
{
    /// <summary>Accepted argument sets sent to each tool: enough to reach past the first check, few enough for CI.</summary>
    public int CasesPerTool { get; init; } = 30;

    /// <summary>
    /// Known good values by property name (<c>table</c> → tables that exist; <c>labels[]</c> for an array's items),
    /// used three times out of four, so that calls get past "no such table" and exercise the code behind it.
    /// </summary>
    public IReadOnlyDictionary<string, JsonNode?[]> Samples { get; init; } = new Dictionary<string, JsonNode?[]>();

    /// <summary>
    /// The only values a top-level property may take for one tool, keyed <c>tool/property</c>: for test tools that
    /// wait or fail on purpose (<c>test_slow/seconds</c> → 0).
    /// </summary>
    public IReadOnlyDictionary<string, JsonNode?[]> Pins { get; init; } = new Dictionary<string, JsonNode?[]>();

    /// <summary>Test-only tools that block until their test releases them (<c>test_gate</c>): not called at all.</summary>
    public IReadOnlySet<string> WaitingTools { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}

/// <summary>
/// "Anything the schema accepts works" (issue 8 §3): for every tool a server lists, arguments generated from its
/// advertised inputSchema and accepted by the shared validator are sent through a real client, and no call may end
/// in an internal error, a JSON-RPC error, a missing audit line or structured content that breaks the output schema.
/// Input errors, backend errors, not-found and refusals are all fine answers. Deterministic: seeds come from the
/// tool names.
/// </summary>
public static class ToolPropertyRun
{
    private const int MaxReported = 40;

    /// <summary>Settings that let every tool run: writes allowed and no rate limit in the way.</summary>
    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Policy:ReadOnly"] = "false",
        ["RateLimits:ReadPerMinute"] = "100000",
        ["RateLimits:WritePerMinute"] = "100000",
    };

    /// <summary>A client whose user accepts every confirmation, so write tools really run.</summary>
    public static McpClientOptions ConfirmingClient { get; } = new()
    {
        ProtocolVersion = "2025-11-25",
        Handlers = new McpClientHandlers
        {
            ElicitationHandler = (_, _) => ValueTask.FromResult(new ElicitResult
            {
                Action = "accept",
                Content = new Dictionary<string, JsonElement> { ["confirm"] = JsonDocument.Parse("true").RootElement.Clone() },
            }),
        },
    };

    /// <summary>Runs every listed tool; returns one line per failure (empty when all held).</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(InMemoryMcpServer host, PropertyRunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        McpClient client = await host.ConnectAsync(ConfirmingClient, cancellationToken);
        var failures = new List<string>();
        int calls = 0;
        foreach (McpClientTool tool in (await client.ListToolsAsync(cancellationToken: cancellationToken))
            .Where(t => !options.WaitingTools.Contains(t.Name)).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            JsonSchemaValidator input = JsonSchemaValidator.Compile(tool.ProtocolTool.InputSchema);
            JsonSchemaValidator? output = tool.ProtocolTool.OutputSchema is { } schema && JsonSchemaValidator.TryCompile(schema, out var v, out _) ? v : null;
            var generator = new ArgumentGenerator(tool.ProtocolTool.InputSchema, Seed(tool.Name),
                name => options.Samples.TryGetValue(name, out JsonNode?[]? values) ? values : null);
            int accepted = 0;
            string? firstRejection = null;
            for (int i = 0; i < options.CasesPerTool * 2 && accepted < options.CasesPerTool; i++)
            {
                if (generator.Next(i) is not { } arguments)
                {
                    continue;
                }

                // A made-up confirmation token is refused before the tool runs: send one now and then, not half the time.
                if (i % 6 != 5)
                {
                    arguments.Remove(ToolRegistry.ConfirmationTokenParameter);
                }

                Pin(tool.Name, arguments, options, i);
                JsonElement element = ToElement(arguments);
                IReadOnlyList<SchemaError> errors = input.Validate(element);
                if (errors.Count > 0)
                {
                    // The generator approximates the schema; the validator is the judge of what counts as accepted.
                    firstRejection ??= $"{Show(arguments)} → {JsonSchemaValidator.Describe(errors)}";
                    continue;
                }

                accepted++;
                calls++;
                string? problem = await CallAsync(client, tool.Name, element, output, cancellationToken);
                if (problem is not null)
                {
                    failures.Add($"{tool.Name} {Show(arguments)} → {problem}");
                }
            }

            if (accepted < options.CasesPerTool / 2)
            {
                failures.Add($"{tool.Name}: the generator produced only {accepted} accepted argument sets (first refused: {firstRejection ?? "none generated"})");
            }
        }

        IReadOnlyList<JsonElement> audit = host.AuditEvents();
        if (audit.Count != calls)
        {
            failures.Add($"{calls} calls wrote {audit.Count} audit lines; every call must write exactly one.");
        }

        // What the run reached, in the test output: a run where every call is refused as invalid proves little.
        foreach (var byTool in audit.GroupBy(e => e.GetProperty("tool").GetString()).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{byTool.Key}: " + string.Join(", ", byTool
                .GroupBy(e => e.GetProperty("outcome").GetString()).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}")));
        }

        // The audit outcome is the pipeline's own verdict; it backs up the text check above should the wording change.
        int audited = audit.Count(e => e.GetProperty("outcome").GetString() == AuditOutcome.Error);
        int seen = failures.Count(f => f.Contains("→ internal error:", StringComparison.Ordinal));
        if (audited != seen)
        {
            failures.Add($"{audited} calls were audited with outcome \"error\", {seen} answered \"internal error\".");
        }

        return failures;
    }

    /// <summary>Throws with every failure listed, so that one run shows all of them.</summary>
    public static void AssertHeld(IReadOnlyList<string> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        if (failures.Count > 0)
        {
            throw new Xunit.Sdk.XunitException(
                $"{failures.Count} property-run failures:\n- " + string.Join("\n- ", failures.Take(MaxReported))
                + (failures.Count > MaxReported ? $"\n- … and {failures.Count - MaxReported} more" : string.Empty));
        }
    }

    private static async Task<string?> CallAsync(McpClient client, string tool, JsonElement arguments, JsonSchemaValidator? output,
        CancellationToken cancellationToken)
    {
        CallToolResult result;
        try
        {
            result = await client.CallToolAsync(tool, arguments.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone()),
                cancellationToken: cancellationToken);
        }
        catch (McpException ex)
        {
            return "JSON-RPC error: " + Cut(ex.Message);
        }

        string text = string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));
        if (text.Contains("internal error", StringComparison.OrdinalIgnoreCase))
        {
            return "internal error: " + Cut(text);
        }

        // MCP: a tool with an output schema must return conforming structured content with every successful result.
        if (result.IsError != true && output is not null)
        {
            if (result.StructuredContent is not { } structured)
            {
                return "success without structuredContent although the tool has an outputSchema: " + Cut(text);
            }

            IReadOnlyList<SchemaError> errors = output.Validate(structured);
            if (errors.Count > 0)
            {
                return "structuredContent breaks the outputSchema: " + Cut(JsonSchemaValidator.Describe(errors));
            }
        }

        return null;
    }

    private static void Pin(string tool, JsonObject arguments, PropertyRunOptions options, int caseIndex)
    {
        foreach (var (key, values) in options.Pins)
        {
            string[] parts = key.Split('/', 2);
            if (parts[0] == tool && arguments.ContainsKey(parts[1]))
            {
                arguments[parts[1]] = values[caseIndex % values.Length]?.DeepClone();
            }
        }
    }

    /// <summary>A seed that is the same on every machine and run (string.GetHashCode is randomised per process).</summary>
    private static int Seed(string name)
    {
        unchecked
        {
            int hash = (int)2166136261;
            foreach (char c in name)
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash;
        }
    }

    private static JsonElement ToElement(JsonObject arguments)
    {
        using JsonDocument document = JsonDocument.Parse(arguments.ToJsonString());
        return document.RootElement.Clone();
    }

    /// <summary>
    /// The arguments as sent, non-ASCII text readable rather than \u-escaped and long strings shortened (their
    /// length kept), so that the value that mattered — a 5.0 or a null item — is not cut off the end of the line.
    /// </summary>
    private static string Show(JsonObject arguments)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Shorten(arguments.DeepClone())!.WriteTo(writer);
        }

        return Cut(Encoding.UTF8.GetString(buffer.WrittenSpan));

        static JsonNode? Shorten(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (string key in o.Select(p => p.Key).ToList())
                    {
                        o[key] = Shorten(o[key]?.DeepClone());
                    }

                    return o;
                case JsonArray a:
                    return new JsonArray([.. a.Select(i => Shorten(i?.DeepClone()))]);
                case JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 40 } text:
                    // By code point, so that no surrogate pair is split.
                    return JsonValue.Create($"{string.Concat(text.EnumerateRunes().Take(20))}…[{text.EnumerateRunes().Count()} code points]");
                default:
                    return node;
            }
        }
    }

    private static string Cut(string text) => text.Length <= 300 ? text : text[..300] + "…";
}

/// <summary>A server's configuration for the property run, and the backend (fake or real) it talks to, if any.</summary>
public sealed record PropertyRunBackend(IReadOnlyDictionary<string, string?> Settings, IAsyncDisposable? Backend = null) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Backend?.DisposeAsync() ?? ValueTask.CompletedTask;
}
