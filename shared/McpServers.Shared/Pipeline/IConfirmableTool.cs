using System.Text.Json;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// Implemented by a tool class that needs confirmation (<see cref="RequiresConfirmationAttribute"/>), so the
/// confirmation stage can ask a human a question worth answering. Created per call exactly like the tool itself
/// (constructor injection from the request's services), with the arguments that passed schema validation.
/// </summary>
public interface IConfirmableTool
{
    /// <summary>
    /// Runs before anyone is asked: throw <see cref="Errors.ToolInputException"/> (or a
    /// <see cref="Errors.BackendException"/>) for a call that would be refused anyway, so a human never approves a
    /// call that then fails on its input. Checks here must not change anything. Returns what the human reads and
    /// whether confirmation is needed for these arguments at all.
    /// </summary>
    ValueTask<ConfirmationPreview> PrepareConfirmationAsync(IReadOnlyDictionary<string, JsonElement> arguments,
        CancellationToken cancellationToken);
}

/// <summary>What a human is asked to approve.</summary>
/// <param name="Text">The exact effect in plain words: recipients, fields and values (not a JSON dump).</param>
/// <param name="Required">False when these arguments need no confirmation (e.g. a draft only the user sees).</param>
public sealed record ConfirmationPreview(string Text, bool Required = true);

/// <summary>Creates a tool's <see cref="IConfirmableTool"/> for one call; put in a tool's metadata by the catalog.</summary>
public sealed class ConfirmableToolFactory(Func<IServiceProvider, IConfirmableTool> create)
{
    public IConfirmableTool Create(IServiceProvider services) => create(services);
}
