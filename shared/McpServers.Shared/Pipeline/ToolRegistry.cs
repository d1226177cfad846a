using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.RateLimiting;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using McpServers.Shared.Validation;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// Every tool the server has, checked once at start-up (fail closed): names follow the suite's rule, schemas use
/// only keywords the validator enforces, confirmable tools advertise their <c>confirmation_token</c> parameter.
/// The pipeline and tools/list both read from here, so what is advertised is what is enforced. Tools a source loads
/// in the background (<see cref="PendingTools"/>) are registered, all at once, when it has loaded: until then the
/// registry is empty and <see cref="WhenReadyAsync"/> is the one point to wait for them.
/// </summary>
public sealed partial class ToolRegistry
{
    /// <summary>The extra parameter a confirmable tool accepts when the client cannot ask the user itself.</summary>
    public const string ConfirmationTokenParameter = "confirmation_token";

    public const int MaxNameLength = 48;

    private readonly PolicyOptions _policy;
    private readonly IReadOnlySet<string> _include;
    private readonly IReadOnlySet<string> _exclude;
    private readonly TimeProvider _time;
    private readonly TimeSpan _wait;
    private readonly string _sources;
    private volatile Registered _registered = Registered.None;

    public ToolRegistry(ToolCatalog catalog, IServiceProvider services, ServerJson json, IOptions<PolicyOptions> policy,
        IOptions<ConfirmationOptions> confirmation, IOptions<RateLimitOptions> rateLimits, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(confirmation);
        ArgumentNullException.ThrowIfNull(rateLimits);
        _policy = policy.Value;
        _include = PolicyOptions.Names(_policy.Tools);
        _exclude = PolicyOptions.Names(_policy.ExcludeTools);
        _time = time ?? TimeProvider.System;
        IReadOnlySet<string> disable = PolicyOptions.Names(confirmation.Value.Disable);
        IReadOnlySet<string> elicitationOnly = PolicyOptions.Names(confirmation.Value.RequireElicitation);
        if (elicitationOnly.Intersect(disable).FirstOrDefault() is { } both)
        {
            throw new OptionsValidationException("Confirmation", typeof(ConfirmationOptions),
                [$"Tool '{both}' is in both Confirmation:Disable and Confirmation:RequireElicitation; remove it from one of them."]);
        }

        IReadOnlyList<PendingTools> sources = catalog.Start(services, json.Options);
        PendingTools[] background = [.. sources.Where(s => s.Background)];
        _wait = background.Length == 0 ? TimeSpan.Zero : background.Max(s => s.Wait);
        _sources = string.Join(" and ", background.Select(s => s.Source));
        Ready = RegisterAsync(sources, confirmation.Value, rateLimits.Value);
        if (background.Length == 0)
        {
            // Every tool was known when the server was built: a bad one stops it from starting, as it always has.
            Ready.GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// Completes when every tool is registered (at once for a catalog without background sources); faults with the
    /// source's own exception when a source fails. Waiting on it has no limit: requests use <see cref="WhenReadyAsync"/>.
    /// </summary>
    public Task Ready { get; }

    /// <summary>Every registered tool, in catalog order, whether or not policy exposes it; empty until <see cref="Ready"/>.</summary>
    public IReadOnlyList<RegisteredTool> All => _registered.All;

    /// <summary>
    /// The one "tools are ready" point: returns once every tool is registered, waiting at most the longest
    /// <see cref="PendingTools.Wait"/> of the background sources. Otherwise throws <see cref="ToolsUnavailableException"/>,
    /// whose message names the source's setting and is safe to show the model.
    /// </summary>
    public async Task WhenReadyAsync(CancellationToken cancellationToken)
    {
        if (Ready.IsCompletedSuccessfully)
        {
            return;
        }

        try
        {
            await Ready.WaitAsync(_wait, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!Ready.IsCompleted)
        {
            throw new ToolsUnavailableException(
                $"This server's tools are not available yet: {_sources} did not load within {Seconds(_wait)}. Try again shortly; if this persists, an administrator must check that setting.");
        }
        catch (Exception e) when (Ready.IsFaulted && e is not OperationCanceledException)
        {
            throw new ToolsUnavailableException($"This server's tools are not available: {_sources} could not be loaded. {Reason(e)}");
        }
    }

    private async Task RegisterAsync(IReadOnlyList<PendingTools> sources, ConfirmationOptions confirmation, RateLimitOptions rateLimits)
    {
        var candidates = new List<McpServerTool>();
        foreach (PendingTools source in sources)
        {
            candidates.AddRange(await source.Tools.ConfigureAwait(false));
        }

        _registered = Register(candidates, confirmation, rateLimits);
    }

    private Registered Register(List<McpServerTool> candidates, ConfirmationOptions confirmation, RateLimitOptions rateLimits)
    {
        IReadOnlySet<string> require = PolicyOptions.Names(confirmation.Require);
        IReadOnlySet<string> disable = PolicyOptions.Names(confirmation.Disable);
        IReadOnlySet<string> elicitationOnly = PolicyOptions.Names(confirmation.RequireElicitation);
        IReadOnlySet<string> allowToken = PolicyOptions.Names(confirmation.AllowToken);
        var byName = new Dictionary<string, RegisteredTool>(StringComparer.Ordinal);
        var tools = new List<RegisteredTool>();
        foreach (McpServerTool candidate in candidates)
        {
            string name = candidate.ProtocolTool.Name;
            CheckName(name);
            if (byName.ContainsKey(name))
            {
                throw new InvalidOperationException($"Two tools are named '{name}'. Tool names must be unique.");
            }

            RequiresConfirmationAttribute? marked = candidate.Metadata.OfType<RequiresConfirmationAttribute>().FirstOrDefault();
            if (marked is { Mandatory: true } && disable.Contains(name))
            {
                throw new OptionsValidationException("Confirmation", typeof(ConfirmationOptions),
                    [$"Tool '{name}' always needs a human's confirmation and cannot be listed in Confirmation:Disable; remove it from there."]);
            }

            if (allowToken.Contains(name) && elicitationOnly.Contains(name))
            {
                throw new OptionsValidationException("Confirmation", typeof(ConfirmationOptions),
                    [$"Tool '{name}' is in both Confirmation:AllowToken and Confirmation:RequireElicitation; remove it from one of them."]);
            }

            bool confirm = (require.Contains(name) || elicitationOnly.Contains(name) || marked is not null) && !disable.Contains(name);
            bool byElicitationOnly = confirm && (elicitationOnly.Contains(name) || (marked is { ElicitationOnly: true } && !allowToken.Contains(name)));
            // Only schemas the SDK generated from a method need their list items tightened (see AdvertisedTool).
            bool generated = candidate.Metadata.OfType<System.Reflection.MethodInfo>().Any();
            McpServerTool tool = new AdvertisedTool(candidate, confirm && !byElicitationOnly, generated);
            if (!JsonSchemaValidator.TryCompile(tool.ProtocolTool.InputSchema, out JsonSchemaValidator? validator, out string? problem))
            {
                throw new InvalidOperationException($"Tool '{name}' cannot be served: {problem}");
            }

            var secrets = candidate.Metadata.OfType<SecretParametersAttribute>().SelectMany(a => a.Names).ToHashSet(StringComparer.Ordinal);
            bool readOnly = tool.ProtocolTool.Annotations?.ReadOnlyHint == true;
            int perMinute = rateLimits.Tools.TryGetValue(name, out int own) ? own
                : readOnly ? rateLimits.ReadPerMinute : rateLimits.WritePerMinute;
            var entry = new RegisteredTool(tool, validator, confirm, secrets, CreateLimiter(perMinute), perMinute)
            {
                RequiresElicitation = byElicitationOnly,
                ElicitationOnlyByDefault = byElicitationOnly && !elicitationOnly.Contains(name),
                Confirmable = candidate.Metadata.OfType<ConfirmableToolFactory>().FirstOrDefault(),
            };
            byName.Add(name, entry);
            tools.Add(entry);
        }

        foreach (string listed in _include.Concat(_exclude).Concat(require).Concat(disable).Concat(elicitationOnly).Concat(allowToken))
        {
            if (!byName.ContainsKey(listed))
            {
                throw new OptionsValidationException("Policy", typeof(PolicyOptions),
                    [$"Unknown tool '{listed}' in Policy:Tools, Policy:ExcludeTools or Confirmation settings. Known tools: {string.Join(", ", byName.Keys.Order(StringComparer.Ordinal))}."]);
            }
        }

        return new Registered(tools, byName);
    }

    /// <summary>Why a source failed, in words fit for the model: our own messages, never an unknown exception's text.</summary>
    private static string Reason(Exception e) => e switch
    {
        OptionsValidationException o => string.Join(" ", o.Failures),
        BackendException b => b.SafeMessage ?? $"The backend failed ({b.Kind}).",
        ConfigurationException or InvalidOperationException => e.Message,
        _ => "It failed unexpectedly; the server's diagnostic log says why.",
    };

    private static string Seconds(TimeSpan wait) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s");

    public bool ReadOnlyMode => _policy.ReadOnly;

    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RegisteredTool? tool) =>
        _registered.ByName.TryGetValue(name, out tool);

    /// <summary>Why policy refuses the tool, or null when it may run. Read-only &gt; exclude &gt; include.</summary>
    public string? Refusal(RegisteredTool tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        if (!tool.IsReadOnly && _policy.ReadOnly)
        {
            return $"Tool '{tool.Name}' changes data, and this server runs read-only. Nothing was done. An administrator can enable write tools with --allow-writes (setting Policy:ReadOnly=false).";
        }

        if (_exclude.Contains(tool.Name))
        {
            return $"Tool '{tool.Name}' is disabled by the administrator (Policy:ExcludeTools / --exclude-tools). Nothing was done.";
        }

        if (_include.Count > 0 && !_include.Contains(tool.Name))
        {
            return $"Tool '{tool.Name}' is not enabled on this server (Policy:Tools / --tools lists the enabled ones). Nothing was done.";
        }

        return null;
    }

    /// <summary>The tools tools/list shows: exactly those policy lets run.</summary>
    public IEnumerable<RegisteredTool> Visible => All.Where(t => Refusal(t) is null);

    /// <summary>Checks a tool name against the suite's rule (snake_case, at most 48 characters).</summary>
    public static void CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length > MaxNameLength || !ToolName().IsMatch(name))
        {
            throw new InvalidOperationException(
                $"Tool name '{name}' is not allowed: use snake_case letters, digits and underscores, starting with a letter, at most {MaxNameLength} characters.");
        }
    }

    private static TokenBucketRateLimiter CreateLimiter(int perMinute) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = Math.Max(1, perMinute),
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromMinutes(1) / Math.Max(1, perMinute),
        QueueLimit = 0,
        AutoReplenishment = true,
    });

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex ToolName();

    /// <summary>The registered tools, published at once (readers never see a half-registered set).</summary>
    private sealed record Registered(IReadOnlyList<RegisteredTool> All, IReadOnlyDictionary<string, RegisteredTool> ByName)
    {
        public static readonly Registered None = new([], new Dictionary<string, RegisteredTool>(StringComparer.Ordinal));
    }

    /// <summary>
    /// The schema clients see and the validator enforces: strict (an unknown parameter is an error the model can
    /// fix, not a silently ignored typo), list items never null in generated schemas, and, for tools confirmable by
    /// token, with the optional confirmation token.
    /// </summary>
    private sealed class AdvertisedTool : DelegatingMcpServerTool
    {
        public AdvertisedTool(McpServerTool inner, bool confirmable, bool generated) : base(inner)
        {
            Tool original = inner.ProtocolTool;
            JsonObject schema = JsonNode.Parse(original.InputSchema.GetRawText())?.AsObject()
                ?? throw new InvalidOperationException($"Tool '{original.Name}' has no input schema.");
            if (schema["properties"] is not JsonObject properties)
            {
                properties = [];
                schema["properties"] = properties;
            }

            MakeStrict(schema);
            if (generated)
            {
                NonNullableItems(schema);
            }

            if (confirmable)
            {
                properties[ConfirmationTokenParameter] = new JsonObject
                {
                    ["type"] = "string",
                    ["description"] = "Only when a previous call answered 'confirmation required': the token it returned, after the user agreed. Same arguments, single use.",
                    ["pattern"] = "^[A-Za-z0-9_-]{16,64}$",
                };
            }

            using JsonDocument document = JsonDocument.Parse(schema.ToJsonString());
            ProtocolTool = new Tool
            {
                Name = original.Name,
                Title = original.Title,
                Description = original.Description,
                InputSchema = document.RootElement.Clone(),
                OutputSchema = original.OutputSchema,
                Annotations = original.Annotations,
                Icons = original.Icons,
                Meta = original.Meta,
            };
        }

        public override Tool ProtocolTool { get; }

        /// <summary>
        /// The SDK's exporter advertises the elements of <c>IReadOnlyList&lt;string&gt;</c> as <c>["string","null"]</c>,
        /// so <c>[null]</c> passed validation and reached tool code that cannot hold it. No tool of ours takes null
        /// list items: a list item's type never includes null (a tool that needs one must declare its own schema).
        /// </summary>
        private static void NonNullableItems(JsonNode? node)
        {
            if (node is not JsonObject schema)
            {
                return;
            }

            if (schema["items"] is JsonObject items)
            {
                if (items["type"] is JsonArray types && types.Any(t => t?.GetValue<string>() == "null"))
                {
                    string[] rest = [.. types.Select(t => t?.GetValue<string>()).OfType<string>().Where(t => t != "null")];
                    items["type"] = rest.Length == 1 ? rest[0] : new JsonArray([.. rest.Select(t => (JsonNode)t)]);
                }

                if (items["enum"] is JsonArray values && values.Any(v => v is null))
                {
                    items["enum"] = new JsonArray([.. values.Where(v => v is not null).Select(v => v!.DeepClone())]);
                }
            }

            foreach (string keyword in (string[])["properties", "$defs"])
            {
                if (schema[keyword] is JsonObject children)
                {
                    foreach (var (_, child) in children)
                    {
                        NonNullableItems(child);
                    }
                }
            }

            foreach (string keyword in (string[])["items", "additionalProperties", "not"])
            {
                NonNullableItems(schema[keyword]);
            }

            foreach (string keyword in (string[])["anyOf", "oneOf", "allOf", "prefixItems"])
            {
                if (schema[keyword] is JsonArray list)
                {
                    foreach (JsonNode? item in list)
                    {
                        NonNullableItems(item);
                    }
                }
            }
        }

        /// <summary>Every object schema that lists properties and says nothing about others refuses others.</summary>
        private static void MakeStrict(JsonNode? node)
        {
            if (node is not JsonObject schema)
            {
                return;
            }

            if (schema["properties"] is JsonObject properties)
            {
                // allOf spreads one object's properties over several branches: strict branches would reject it.
                if (!schema.ContainsKey("allOf"))
                {
                    schema.TryAdd("additionalProperties", false);
                }

                foreach (var (_, child) in properties)
                {
                    MakeStrict(child);
                }
            }

            foreach (string keyword in (string[])["items", "additionalProperties", "not"])
            {
                MakeStrict(schema[keyword]);
            }

            foreach (string keyword in (string[])["anyOf", "oneOf", "prefixItems"])
            {
                if (schema[keyword] is JsonArray list)
                {
                    foreach (JsonNode? item in list)
                    {
                        MakeStrict(item);
                    }
                }
            }

            if (schema["$defs"] is JsonObject defs)
            {
                foreach (var (_, child) in defs)
                {
                    MakeStrict(child);
                }
            }
        }
    }
}
