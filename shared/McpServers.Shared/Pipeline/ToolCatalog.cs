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
/// that is evaluated once the configuration is known.
/// </summary>
public sealed class ToolCatalog
{
    private readonly List<Func<IServiceProvider, JsonSerializerOptions, IEnumerable<McpServerTool>>> _sources = [];

    /// <summary>Adds a tool class: sealed, exactly one <see cref="McpServerToolAttribute"/> method, created per call through DI.</summary>
    public ToolCatalog Add<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
        where T : class
    {
        MethodInfo[] methods = [.. typeof(T).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m.IsDefined(typeof(McpServerToolAttribute)))];
        if (methods.Length != 1 || !typeof(T).IsSealed)
        {
            throw new InvalidOperationException($"{typeof(T).Name} must be a sealed class with exactly one [McpServerTool] method (one class per tool).");
        }

        MethodInfo method = methods[0];
        _sources.Add((services, json) =>
        {
            McpServerTool tool = method.IsStatic
                ? McpServerTool.Create(method, target: null, Options(services, json))
                : McpServerTool.Create(method, CreateTarget, Options(services, json));
            // The confirmation stage creates the tool's preview side the same way the SDK creates the tool.
            return typeof(IConfirmableTool).IsAssignableFrom(typeof(T))
                ? [new WithMetadata(tool, new ConfirmableToolFactory(sp => (IConfirmableTool)ActivatorUtilities.CreateInstance<T>(sp)))]
                : [tool];
        });
        return this;

        static object CreateTarget(RequestContext<CallToolRequestParams> request) =>
            ActivatorUtilities.CreateInstance<T>(request.Services ?? throw new InvalidOperationException("No request services."));
    }

    /// <summary>Adds tools built at start-up from configuration (e.g. administrator-declared queries).</summary>
    public ToolCatalog AddSource(Func<IServiceProvider, IEnumerable<McpServerTool>> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _sources.Add((services, _) => source(services));
        return this;
    }

    internal IEnumerable<McpServerTool> Materialize(IServiceProvider services, JsonSerializerOptions json) =>
        _sources.SelectMany(source => source(services, json));

    private sealed class WithMetadata(McpServerTool inner, object extra) : DelegatingMcpServerTool(inner)
    {
        public override IReadOnlyList<object> Metadata { get; } = [.. inner.Metadata, extra];
    }

    private static McpServerToolCreateOptions Options(IServiceProvider services, JsonSerializerOptions json) =>
        new() { Services = services, SerializerOptions = json };
}
