using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text;
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

    /// <summary>
    /// The longest Markdown body a write accepts. The person confirming a write is shown its whole body, so nothing is
    /// approved unseen (a preview cut short would let a tail past the cut through); longer bodies are refused.
    /// </summary>
    public const int MaxBodyChars = 20_000;

    /// <summary>
    /// The Markdown as the person confirming reads it: its length, then every line of it, each marked with <c>│</c> and
    /// escaped (<see cref="ConfirmationPreview.Value"/>), so no line of the body can pass for a line of the question.
    /// </summary>
    public static string Body(string label, string markdown)
    {
        if (markdown.Length > MaxBodyChars)
        {
            throw new ToolInputException($"`markdown` has {markdown.Length} characters; a write takes at most {MaxBodyChars}, so that whoever confirms it can read all of it.");
        }

        if (markdown.Length == 0)
        {
            return $"- {label} (Markdown): empty";
        }

        var text = new StringBuilder($"- {label} (Markdown, {markdown.Length} characters, all of it below, each line after │):");
        foreach (string line in markdown.Split('\n'))
        {
            text.Append("\n  │ ").Append(ConfirmationPreview.Value(line));
        }

        return text.ToString();
    }

    private sealed class Confirmable(McpServerTool inner, ConfirmableToolFactory factory) : DelegatingMcpServerTool(inner)
    {
        public override IReadOnlyList<object> Metadata { get; } = [.. inner.Metadata, factory];
    }
}
