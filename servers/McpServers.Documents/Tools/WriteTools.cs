using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using McpServers.Documents.Backend;
using McpServers.Shared.Errors;
using McpServers.Shared.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Server;

namespace McpServers.Documents.Tools;

/// <summary>
/// The write tools exist only when a source that writes (Confluence) is configured; policy then still hides and
/// refuses them unless --allow-writes. Registered like <see cref="ToolCatalog.Add{T}"/> would, with the confirmation preview.
/// </summary>
internal static class WriteTools
{
    /// <summary>Put in DI by AddDocumentsServer when some source registered an <see cref="IDocumentWriter"/> (nothing is built to find out).</summary>
    internal sealed class Registered;

    public static IEnumerable<McpServerTool> WhenWritable<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.PublicConstructors)] T>(
        IServiceProvider services)
        where T : class, IConfirmableTool
    {
        if (services.GetService<Registered>() is null)
        {
            return [];
        }

        MethodInfo method = typeof(T).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Single(m => m.IsDefined(typeof(McpServerToolAttribute)));
        McpServerTool tool = McpServerTool.Create(method,
            static request => ActivatorUtilities.CreateInstance<T>(request.Services ?? throw new InvalidOperationException("No request services.")),
            new McpServerToolCreateOptions { Services = services, SerializerOptions = services.GetRequiredService<ServerJson>().Options });
        return [new Confirmable(tool, new ConfirmableToolFactory(sp => ActivatorUtilities.CreateInstance<T>(sp)))];
    }

    /// <summary>A string argument as validated by the schema (null when absent).</summary>
    public static string? Text(IReadOnlyDictionary<string, JsonElement> arguments, string name) =>
        arguments.TryGetValue(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static string Required(IReadOnlyDictionary<string, JsonElement> arguments, string name) =>
        Text(arguments, name) ?? throw new ToolInputException($"`{name}` is required.");

    /// <summary>The Markdown shown to the person confirming, cut so the question stays readable.</summary>
    public static string Excerpt(string markdown) =>
        ConfirmationPreview.Value(markdown.Length <= 600 ? markdown : markdown[..600] + $"… ({markdown.Length} characters in all)");

    private sealed class Confirmable(McpServerTool inner, ConfirmableToolFactory factory) : DelegatingMcpServerTool(inner)
    {
        public override IReadOnlyList<object> Metadata { get; } = [.. inner.Metadata, factory];
    }
}
