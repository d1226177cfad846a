using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// A server's explicit list of tools: one line per tool class, so one diff shows everything a server exposes
/// (no assembly scanning). Administrator-declared tools (database queries, API operations) come from a source
/// that is evaluated once the configuration is known, or that loads in the background (<see cref="PendingTools"/>).
/// </summary>
public sealed class ToolCatalog
{
    private readonly List<Func<IServiceProvider, JsonSerializerOptions, PendingTools>> _sources = [];

    /// <summary>Adds a tool class: sealed, exactly one <see cref="McpServerToolAttribute"/> method, created per call through DI.</summary>
    public ToolCatalog Add<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class => AddWhen<T>(static _ => true);

    /// <summary>
    /// Adds a tool class (as <see cref="Add{T}"/>) that exists only when <paramref name="condition"/> holds for the
    /// server's services, e.g. when its backend is configured; otherwise it is neither listed nor callable.
    /// </summary>
    public ToolCatalog AddWhen<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.PublicConstructors)] T>(
        Func<IServiceProvider, bool> condition)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(condition);
        MethodInfo[] methods = [.. typeof(T).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m.IsDefined(typeof(McpServerToolAttribute)))];
        if (methods.Length != 1 || !typeof(T).IsSealed)
        {
            throw new InvalidOperationException($"{typeof(T).Name} must be a sealed class with exactly one [McpServerTool] method (one class per tool).");
        }

        MethodInfo method = methods[0];
        _sources.Add((services, json) =>
        {
            if (!condition(services))
            {
                return PendingTools.Known([]);
            }

            McpServerTool tool = method.IsStatic
                ? McpServerTool.Create(method, target: null, Options(services, json))
                : McpServerTool.Create(method, CreateTarget, Options(services, json));
            // The confirmation stage creates the tool's preview side the same way the SDK creates the tool.
            return PendingTools.Known(typeof(IConfirmableTool).IsAssignableFrom(typeof(T))
                ? [new WithMetadata(tool, new ConfirmableToolFactory(sp => (IConfirmableTool)ActivatorUtilities.CreateInstance<T>(sp)))]
                : [tool]);
        });
        return this;

        static object CreateTarget(RequestContext<CallToolRequestParams> request) =>
            ActivatorUtilities.CreateInstance<T>(request.Services ?? throw new InvalidOperationException("No request services."));
    }

    /// <summary>Adds tools built at start-up from configuration (e.g. administrator-declared queries).</summary>
    public ToolCatalog AddSource(Func<IServiceProvider, IEnumerable<McpServerTool>> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _sources.Add((services, _) => PendingTools.Known([.. source(services)]));
        return this;
    }

    /// <summary>
    /// Adds tools that load in the background (e.g. from a document at a URL), so that a slow source holds up neither
    /// start-up nor <c>initialize</c>. The load starts when the server is built; tools/list and tools/call wait for it
    /// up to <see cref="PendingTools.Wait"/>, then are answered with an error naming <see cref="PendingTools.Source"/>.
    /// </summary>
    public ToolCatalog AddSource(Func<IServiceProvider, PendingTools> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _sources.Add((services, _) => source(services) ?? throw new InvalidOperationException("A tool source returned no PendingTools."));
        return this;
    }

    /// <summary>Starts every source, in catalog order.</summary>
    internal IReadOnlyList<PendingTools> Start(IServiceProvider services, JsonSerializerOptions json) =>
        [.. _sources.Select(source => source(services, json))];

    private sealed class WithMetadata(McpServerTool inner, object extra) : DelegatingMcpServerTool(inner)
    {
        public override IReadOnlyList<object> Metadata { get; } = [.. inner.Metadata, extra];
    }

    private static McpServerToolCreateOptions Options(IServiceProvider services, JsonSerializerOptions json) =>
        new() { Services = services, SerializerOptions = json };
}

/// <summary>Tools a source is still loading (see <see cref="ToolCatalog.AddSource(Func{IServiceProvider, PendingTools})"/>).</summary>
/// <param name="Tools">The load, already started.</param>
/// <param name="Wait">How long a request waits for it before it is answered with an error; the load itself goes on.</param>
/// <param name="Source">What loads, with the setting that names it, for errors: "the OpenAPI document (setting Document, --openapi)".</param>
public sealed record PendingTools(Task<IEnumerable<McpServerTool>> Tools, TimeSpan Wait, string Source)
{
    /// <summary>False for the tools of <see cref="ToolCatalog.Add{T}"/> and synchronous sources: known when the server is built.</summary>
    internal bool Background { get; private init; } = true;

    internal static PendingTools Known(IEnumerable<McpServerTool> tools) =>
        new(Task.FromResult(tools), TimeSpan.Zero, string.Empty) { Background = false };
}
