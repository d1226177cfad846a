using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Validation;
using McpServers.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Xunit;

namespace McpServers.Testing.Conformance;

/// <summary>
/// The checks every server inherits (DESIGN §6): complete tool metadata, names, schemas the validator accepts and
/// that follow the MCP rules (declared and generated tools included), every tool answering whatever its schema
/// accepts without an internal error (the property run), write tools hidden and refused in read-only mode, invalid calls refused and audited, backend failures that do not
/// leak, exactly one audit event per call, the committed manifest, and stdout hygiene over real stdio.
/// </summary>
public abstract partial class ServerConformanceTests<TServer> where TServer : IConformanceServer
{
    private const string Canary = "CANARY-db-9.corp.internal:5432-s3cr3t";

    protected abstract TServer Server { get; }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected InMemoryMcpServer StartInMemory(IReadOnlyDictionary<string, string?>? extra = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var settings = new Dictionary<string, string?>(Server.Settings, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new InMemoryMcpServer(Server.Register, settings, configureServices);
    }

    private static readonly Dictionary<string, string?> AllowWrites = new() { ["Policy:ReadOnly"] = "false" };

    [Fact]
    public async Task Tools_DeclareEveryAnnotationAndATitle()
    {
        await using var host = StartInMemory(AllowWrites);
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        foreach (McpClientTool tool in await client.ListToolsAsync(cancellationToken: Ct))
        {
            ToolAnnotations? a = tool.ProtocolTool.Annotations;
            Assert.True(a is { ReadOnlyHint: not null, DestructiveHint: not null, IdempotentHint: not null, OpenWorldHint: not null },
                $"{tool.Name}: all four annotations must be written explicitly.");
            Assert.False(string.IsNullOrWhiteSpace(tool.ProtocolTool.Title), $"{tool.Name}: needs a Title.");
            if (a!.ReadOnlyHint == true)
            {
                Assert.False(a.DestructiveHint, $"{tool.Name}: a read-only tool cannot be destructive.");
            }
        }
    }

    [Fact]
    public async Task Tools_AreNamedInSnakeCaseWithinTheLengthLimit()
    {
        await using var host = StartInMemory(AllowWrites);
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: Ct);
        Assert.NotEmpty(tools);
        foreach (McpClientTool tool in tools)
        {
            Assert.Matches("^[a-z][a-z0-9_]*$", tool.Name);
            Assert.InRange(tool.Name.Length, 3, ToolRegistry.MaxNameLength);
        }
    }

    [Fact]
    public async Task Tools_DescribeThemselvesAndEveryParameter()
    {
        await using var host = StartInMemory(AllowWrites);
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        foreach (McpClientTool tool in await client.ListToolsAsync(cancellationToken: Ct))
        {
            Assert.True((tool.Description ?? string.Empty).Length >= 20, $"{tool.Name}: the description must tell the model what it does.");
            JsonElement schema = tool.ProtocolTool.InputSchema;
            if (schema.TryGetProperty("properties", out JsonElement properties))
            {
                foreach (JsonProperty p in properties.EnumerateObject())
                {
                    Assert.True(p.Value.TryGetProperty("description", out JsonElement d) && d.GetString()!.Length > 0,
                        $"{tool.Name}.{p.Name}: every parameter needs a description.");
                }
            }
        }
    }

    [Fact]
    public async Task Tools_AdvertiseSchemasTheValidatorEnforces()
    {
        await using var host = StartInMemory(AllowWrites);
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        foreach (McpClientTool tool in await client.ListToolsAsync(cancellationToken: Ct))
        {
            Assert.True(JsonSchemaValidator.TryCompile(tool.ProtocolTool.InputSchema, out _, out string? problem), $"{tool.Name}: {problem}");
            Assert.Equal("object", tool.ProtocolTool.InputSchema.GetProperty("type").GetString());
        }
    }

    /// <summary>
    /// MCP requires <c>"type": "object"</c> (the string, not a union) at the top of every input and output schema;
    /// a client such as the official TypeScript SDK rejects the whole tools/list otherwise. Checked for built-in,
    /// administrator-declared and generated tools alike, which is why <see cref="ConfiguredTools"/> must be listed.
    /// </summary>
    [Fact]
    public async Task Tools_AdvertiseInputAndOutputSchemasWhoseTopLevelTypeIsTheStringObject()
    {
        await using var host = StartInMemory(AllowWrites);
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: Ct);
        var problems = new List<string>();
        foreach (McpClientTool tool in tools)
        {
            problems.AddRange(SchemaRuleProblems(tool.Name, "inputSchema", tool.ProtocolTool.InputSchema));
            if (tool.ProtocolTool.OutputSchema is { } output)
            {
                problems.AddRange(SchemaRuleProblems(tool.Name, "outputSchema", output));
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Tools_IncludeTheDeclaredOrGeneratedToolsOfTheConfiguration()
    {
        await using var host = StartInMemory(AllowWrites);
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: Ct);
        Assert.All(ConfiguredTools, name => Assert.Contains(name, tools.Select(t => t.Name)));
    }

    /// <summary>
    /// Issue 8 §3, "prove it generally": every tool, called with arguments its advertised schema accepts (integer-valued
    /// floats, nulls where allowed, boundary lengths, unicode, optional properties omitted and present), answers
    /// without an internal error, with exactly one audit line per call, and with structured content that matches its
    /// output schema whenever it succeeds. Runs in write mode with a client that confirms, so write tools run too.
    /// </summary>
    [Fact]
    public async Task EveryTool_AnswersArgumentsItsSchemaAccepts_WithoutAnInternalError()
    {
        await using PropertyRunBackend backend = await StartPropertyRunBackendAsync();
        var settings = new Dictionary<string, string?>(backend.Settings, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in ToolPropertyRun.Settings)
        {
            settings[key] = value;
        }

        await using var host = new InMemoryMcpServer(Server.Register, settings);
        ToolPropertyRun.AssertHeld(await ToolPropertyRun.RunAsync(host, PropertyRun, Ct));
    }

    /// <summary>
    /// A string holding a lone UTF-16 surrogate is valid JSON text (<c>"\ud800x"</c>) that no System.Text.Json client
    /// can send, so it goes out raw over real stdio. Whatever the server makes of it, the call must be audited exactly
    /// once and must not end in an internal or JSON-RPC error (issue 8 §3).
    /// </summary>
    [Fact]
    public async Task StringArguments_WithALoneSurrogate_AreAuditedOnceAndNeverAnInternalError()
    {
        string audit = Directory.CreateTempSubdirectory("mcp-surrogate-audit-").FullName;
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve(Server.CommandName),
            [.. Server.StdioArguments, "--allow-writes", "--audit-log", Path.Combine(audit, "audit-.jsonl")], Server.StdioEnvironment);
        await process.InitializeAsync();
        JsonElement list = await process.RequestAsync("tools/list");
        var problems = new List<string>();
        int calls = 0;
        foreach (JsonElement tool in list.GetProperty("result").GetProperty("tools").EnumerateArray())
        {
            string name = tool.GetProperty("name").GetString()!;
            JsonElement schema = tool.GetProperty("inputSchema");
            if (new ArgumentGenerator(schema, 1).Next(0) is not { } arguments || FreeTextProperty(schema) is not { } property)
            {
                continue;
            }

            arguments[property] = RawJsonString.Create("\"\\ud800x\"");
            calls++;
            JsonElement response = await process.CallToolAsync(name, arguments);
            if (response.TryGetProperty("error", out JsonElement error))
            {
                problems.Add($"{name}.{property}: JSON-RPC error {error.GetRawText()}");
            }
            else if (response.GetProperty("result").GetRawText().Contains("internal error", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{name}.{property}: internal error {response.GetProperty("result").GetRawText()}");
            }
        }

        Assert.Equal(0, await process.CloseAndWaitAsync());
        Assert.True(calls > 0, "no tool takes a free-text string argument");
        int lines = AuditFiles.Read(audit).Count;
        if (lines != calls)
        {
            problems.Add($"{calls} calls wrote {lines} audit lines");
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task ReadOnlyMode_HidesAndRefusesEveryWriteTool()
    {
        List<string> writeTools;
        await using (var writable = StartInMemory(AllowWrites))
        {
            ToolRegistry registry = writable.Services.GetRequiredService<ToolRegistry>();
            await registry.WhenReadyAsync(Ct);
            writeTools = [.. registry.All.Where(t => !t.IsReadOnly).Select(t => t.Name)];
        }

        await using var host = StartInMemory(new Dictionary<string, string?> { ["Policy:ReadOnly"] = "true" });
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        IList<McpClientTool> visible = await client.ListToolsAsync(cancellationToken: Ct);
        Assert.All(visible, t => Assert.True(t.ProtocolTool.Annotations?.ReadOnlyHint, $"{t.Name} is visible in read-only mode."));
        foreach (string name in writeTools)
        {
            CallToolResult result = await client.CallToolAsync(name, new Dictionary<string, object?>(), cancellationToken: Ct);
            Assert.True(result.IsError);
            Assert.Contains("read-only", Text(result), StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(writeTools.Count, host.AuditEvents().Count(e => e.GetProperty("outcome").GetString() == AuditOutcome.Denied));
    }

    [Fact]
    public async Task InvalidCall_IsRefusedBeforeTheToolWithAMessageNamingTheProblem()
    {
        // A transport that would fail loudly proves the call never got that far.
        await using var host = StartInMemory(configureServices: s => Server.InjectTransportBug(s, new InvalidOperationException(Canary)));
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: Ct);
        foreach (McpClientTool tool in tools)
        {
            CallToolResult result = await client.CallToolAsync(tool.Name, new Dictionary<string, object?> { ["__not_a_parameter__"] = 1 }, cancellationToken: Ct);
            Assert.True(result.IsError, tool.Name);
            Assert.Contains("__not_a_parameter__", Text(result), StringComparison.Ordinal);
        }

        IReadOnlyList<JsonElement> events = host.AuditEvents();
        Assert.Equal(tools.Count, events.Count);
        Assert.All(events, e => Assert.Equal(AuditOutcome.Invalid, e.GetProperty("outcome").GetString()));
    }

    /// <summary>
    /// Issue 10: the real gateway meets each of the server's real transport faults (an HTTP 500 full of stack trace and
    /// internal host names, a backend silent past the timeout, garbage, a cut body, a closed port, a stopped database).
    /// Every call ends as a backend error whose message says what to do and gives the correlation id, and neither the
    /// result nor the audit line carries the fake's text, host, port or a stack trace.
    /// </summary>
    [Fact]
    public async Task BackendFaults_EndAsBackendErrorsThatSayWhatToDo_AndLeakNothing()
    {
        Assert.NotEmpty(Server.BackendFaults);
        var problems = new List<string>();
        foreach (BackendFault fault in Server.BackendFaults)
        {
            await using BrokenBackend backend = await fault.StartAsync(Ct);
            await using var host = StartInMemory(backend.Settings, backend.ConfigureServices);
            await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
            (string tool, JsonObject arguments) = Server.BackendCall;

            CallToolResult result = await client.CallToolAsync(tool, ToDictionary(arguments), cancellationToken: Ct);

            TestContext.Current.TestOutputHelper?.WriteLine($"{fault}: {Text(result)}");
            problems.AddRange(LeakProblems(result, host.AuditEvents(), backend.Port, AuditOutcome.BackendError).Select(p => $"{fault}: {p}"));
            if (!WhatToDo().IsMatch(Text(result)))
            {
                problems.Add($"{fault}: the message does not tell the model what to do: {Text(result)}");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>A bug where the server meets its backend (not a backend failure) is an internal error that leaks nothing.</summary>
    [Fact]
    public async Task TransportBug_IsAnInternalError_ThatLeaksNothing()
    {
        await using var host = StartInMemory(configureServices: s => Server.InjectTransportBug(s, new InvalidOperationException(Canary)));
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        (string tool, JsonObject arguments) = Server.BackendCall;

        CallToolResult result = await client.CallToolAsync(tool, ToDictionary(arguments), cancellationToken: Ct);

        Assert.Empty(LeakProblems(result, host.AuditEvents(), null, AuditOutcome.Error));
        Assert.Contains("internal error", Text(result), StringComparison.Ordinal);
    }

    /// <summary>
    /// What a failed call must not carry: the fake's text, an internal host, a stack trace, the fake's address. The audit
    /// line's <c>downstream</c> names the configured backend on purpose (administrators read it), so host and port are
    /// looked for in the rest of the line.
    /// </summary>
    private static IEnumerable<string> LeakProblems(CallToolResult result, IReadOnlyList<JsonElement> audit, int? port, string outcome)
    {
        string text = Text(result);
        if (result.IsError != true)
        {
            yield return $"not an error: {text}";
        }

        if (audit.Count != 1)
        {
            yield return $"{audit.Count} audit lines";
            yield break;
        }

        JsonElement line = audit[0];
        if (line.GetProperty("outcome").GetString() != outcome)
        {
            yield return $"audit outcome {line.GetProperty("outcome").GetString()}, expected {outcome}";
        }

        string correlationId = line.GetProperty("correlation_id").GetString()!;
        if (!text.Contains($"correlation id {correlationId}", StringComparison.Ordinal))
        {
            yield return $"the message does not give correlation id {correlationId}: {text}";
        }

        JsonObject withoutDownstream = JsonNode.Parse(line.GetRawText())!.AsObject();
        withoutDownstream.Remove("downstream");
        string[] where = port is { } p ? ["127.0.0.1", ":" + p.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];
        foreach (string leak in (string[])[.. FaultCanary.Fragments, Canary, .. where])
        {
            if (text.Contains(leak, StringComparison.Ordinal))
            {
                yield return $"the result leaks '{leak}': {text}";
            }

            bool fromTheFake = !where.Contains(leak);
            if ((fromTheFake ? line.GetRawText() : withoutDownstream.ToJsonString()).Contains(leak, StringComparison.Ordinal))
            {
                yield return $"the audit line leaks '{leak}': {line.GetRawText()}";
            }
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("try again|retry|administrator|narrow|check", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex WhatToDo();

    [Fact]
    public async Task EveryCall_WritesExactlyOneAuditEvent()
    {
        await using var host = StartInMemory();
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        (string tool, JsonObject arguments) = Server.BackendCall;
        await client.CallToolAsync(tool, ToDictionary(arguments), cancellationToken: Ct);
        await client.CallToolAsync(tool, new Dictionary<string, object?> { ["__bad__"] = true }, cancellationToken: Ct);
        await Assert.ThrowsAnyAsync<Exception>(async () => await client.CallToolAsync("no_such_tool_here", cancellationToken: Ct));

        IReadOnlyList<JsonElement> events = host.AuditEvents();
        Assert.Equal(3, events.Count);
        Assert.Equal([tool, tool, "no_such_tool_here"], events.Select(e => e.GetProperty("tool").GetString()));
        Assert.Equal(Server.Identity.Name, events[0].GetProperty("server").GetString());
        Assert.Equal(AuditOutcome.Invalid, events[1].GetProperty("outcome").GetString());
        Assert.Equal(AuditOutcome.Invalid, events[2].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task ToolManifest_MatchesTheCommittedSnapshot()
    {
        await using var host = StartInMemory(AllowWrites);
        ToolRegistry registry = host.Services.GetRequiredService<ToolRegistry>();
        await registry.WhenReadyAsync(Ct);
        string manifest = McpServerHostBuilder.ToolManifest(registry);
        ManifestSnapshot.AssertMatches(Server.ManifestSnapshotPath, manifest);
    }

    [Fact]
    public async Task Stdio_CarriesOnlyJsonRpcAndSurvivesBadInput()
    {
        string audit = Directory.CreateTempSubdirectory("mcp-stdio-audit-").FullName;
        await using var process = StdioMcpProcess.Start(ServerExecutable.Resolve(Server.CommandName),
            [.. Server.StdioArguments, "--audit-log", Path.Combine(audit, "audit-.jsonl")], Server.StdioEnvironment);

        await process.SendAsync("this is not json");
        await process.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":");
        await process.SendAsync(new string('x', 2_000_000));
        JsonElement early = await process.RequestAsync("tools/list");
        JsonElement unknown = await process.RequestAsync("no/such/method");
        JsonElement init = await process.InitializeAsync();
        JsonElement list = await process.RequestAsync("tools/list");
        (string tool, JsonObject arguments) = Server.BackendCall;
        JsonElement call = await process.CallToolAsync(tool, arguments);

        Assert.True(early.TryGetProperty("result", out _) || early.TryGetProperty("error", out _));
        Assert.True(unknown.TryGetProperty("error", out _));
        Assert.Equal(Server.Identity.Name, init.GetProperty("result").GetProperty("serverInfo").GetProperty("name").GetString());
        Assert.NotEqual(0, list.GetProperty("result").GetProperty("tools").GetArrayLength());
        Assert.True(call.TryGetProperty("result", out _), call.GetRawText());
        Assert.False(process.HasExited);
        Assert.Equal(0, await process.CloseAndWaitAsync());
        process.AssertStdoutIsOnlyJsonRpc();
        Assert.Single(AuditFiles.Read(audit));
    }

    [Fact]
    public void OutsideClient_TheTypeScriptSdkClientDrivesThisServer() =>
        TypeScriptClient.TypeScriptClientStdioTests.AssertTheAssemblyHasTypeScriptSdkTests(GetType().Assembly, Server.CommandName);

    /// <summary>Tools that exist only because of the configuration (declared queries, OpenAPI operations); they must be listed.</summary>
    protected virtual IReadOnlyList<string> ConfiguredTools => [];

    /// <summary>The property run's knowledge of the server: known good values, pinned values, cases per tool.</summary>
    protected virtual PropertyRunOptions PropertyRun => new();

    /// <summary>The configuration for the property run, with a working backend (real or fake) when the server has one.</summary>
    protected virtual Task<PropertyRunBackend> StartPropertyRunBackendAsync() => Task.FromResult(new PropertyRunBackend(Server.Settings));

    private static IEnumerable<string> SchemaRuleProblems(string tool, string which, JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            yield return $"{tool}: the {which} is not a JSON object";
            yield break;
        }

        if (!schema.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String || type.GetString() != "object")
        {
            yield return $"{tool}: the {which} must say \"type\": \"object\" at the top level (it says {(schema.TryGetProperty("type", out JsonElement t) ? t.GetRawText() : "nothing")})";
        }

        if (schema.TryGetProperty("properties", out JsonElement properties) && properties.ValueKind != JsonValueKind.Object)
        {
            yield return $"{tool}: the {which}'s properties must be an object";
        }
    }

    /// <summary>A top-level property that takes any string (no enum, const, pattern or format), or null.</summary>
    private static string? FreeTextProperty(JsonElement schema)
    {
        if (!schema.TryGetProperty("properties", out JsonElement properties))
        {
            return null;
        }

        foreach (JsonProperty p in properties.EnumerateObject())
        {
            JsonElement s = p.Value;
            bool isString = s.TryGetProperty("type", out JsonElement type)
                && (type.ValueKind == JsonValueKind.String ? type.GetString() == "string" : type.EnumerateArray().Any(t => t.GetString() == "string"));
            if (isString && !s.TryGetProperty("enum", out _) && !s.TryGetProperty("const", out _) && !s.TryGetProperty("pattern", out _) && !s.TryGetProperty("format", out _))
            {
                return p.Name;
            }
        }

        return null;
    }

    protected static string Text(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    protected static Dictionary<string, object?> ToDictionary(JsonObject arguments) =>
        arguments.ToDictionary(p => p.Key, p => (object?)(p.Value is null ? null : JsonSerializer.SerializeToElement(p.Value, Shared.Json.Node)));
}
