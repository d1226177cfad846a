using System.Threading.RateLimiting;
using McpServers.Shared.Validation;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Pipeline;

/// <summary>A tool as the pipeline sees it: the advertised tool, its compiled schema, and its policy facts.</summary>
public sealed class RegisteredTool
{
    internal RegisteredTool(McpServerTool tool, JsonSchemaValidator validator, bool requiresConfirmation,
        IReadOnlySet<string> secretParameters, RateLimiter limiter, int perMinute)
    {
        Tool = tool;
        Validator = validator;
        RequiresConfirmation = requiresConfirmation;
        SecretParameters = secretParameters;
        Limiter = limiter;
        PerMinute = perMinute;
    }

    public McpServerTool Tool { get; }

    public string Name => Tool.ProtocolTool.Name;

    /// <summary>Only an explicit <c>readOnlyHint: true</c> makes a tool read-only; anything else counts as a write.</summary>
    public bool IsReadOnly => Tool.ProtocolTool.Annotations?.ReadOnlyHint == true;

    /// <summary>Compiled from the exact inputSchema that tools/list advertises.</summary>
    public JsonSchemaValidator Validator { get; }

    public bool RequiresConfirmation { get; }

    /// <summary>Confirmation only by the user through the client (elicitation); no token path (<c>Confirmation:RequireElicitation</c>).</summary>
    public bool RequiresElicitation { get; init; }

    /// <summary>Elicitation-only by its author's default (<see cref="RequiresConfirmationAttribute.ElicitationOnly"/>), not by <c>Confirmation:RequireElicitation</c>.</summary>
    public bool ElicitationOnlyByDefault { get; init; }

    /// <summary>The tool's own pre-check and preview, when its class implements <see cref="IConfirmableTool"/>.</summary>
    public ConfirmableToolFactory? Confirmable { get; init; }

    public IReadOnlySet<string> SecretParameters { get; }

    internal RateLimiter Limiter { get; }

    internal int PerMinute { get; }
}
